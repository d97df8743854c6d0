"""A Jinja2 environment for the few fragments that repeat hundreds of times on one page (the 自评表's indicator
rows): Django's template engine spent most of that page's time resolving variables and includes for them. Templates
are the project's own (`templates/`, `*.jinja`), autoescaped; Django's safe strings and bound fields carry
`__html__`, so they are not escaped twice."""

from functools import cache

from django.conf import settings
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from perfeval.widgets import control, field_input, hidden_inputs


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader([str(path) for path in settings.TEMPLATES[0]["DIRS"]]),
        autoescape=True,
        auto_reload=settings.DEBUG,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(field_input=field_input, control=control, hidden_inputs=hidden_inputs)
    return env


def render_fragment(template_name: str, context: dict) -> str:
    return environment().get_template(template_name).render(context)
