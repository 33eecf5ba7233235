"""Templates staff rewrite (only with the placeholders their kind provides)."""

from __future__ import annotations

from itvision.engines.notification.commands import EditTemplate
from itvision.engines.notification.events import SOURCE
from itvision.engines.notification.models import Template
from itvision.engines.notification.rules.templates import unknown_placeholders
from itvision.platform.errors import InvalidInput
from itvision.platform.events import utcnow
from itvision.platform.uow import Runner, unit_of_work


async def edit_template(on: Runner, command: EditTemplate) -> Template:
    for field, text in (("subject", command.subject), ("body", command.body)):
        try:
            unknown = unknown_placeholders(command.kind, text)
        except ValueError as exc:
            raise InvalidInput(f"{field}: {exc}", field=field) from None
        if unknown:
            raise InvalidInput(f"{field}: unknown placeholder(s) {', '.join(unknown)}", field=field)
    async with unit_of_work(on, SOURCE) as uow:
        key = (command.kind, command.locale)
        template = await uow.session.get(Template, key, with_for_update=True)
        if template is None:
            template = Template(kind=command.kind, locale=command.locale)
            uow.session.add(template)
        template.subject = command.subject
        template.body = command.body
        template.updated_by = command.editor
        template.updated_at = utcnow()
        return template
