"""The public page serves the reports the annual export renders: the same demo data and the same media folder."""

from tests.assessments.exports.conftest import demo, finalised_futian, media, users  # noqa: F401
