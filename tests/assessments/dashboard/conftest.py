"""The dashboard reads the demo data as the annual export does."""

from tests.assessments.exports.conftest import demo, finalised_futian, media, users  # noqa: F401
