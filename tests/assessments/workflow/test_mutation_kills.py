"""What the workflow's notifications send, that a mail server being down does not stop a transition, and a region
left without review steps: behaviour that mutation testing (make mutation) showed no test would notice."""

import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from assessments.models import Assessment, AuditEvent, Notification
from assessments.workflow import services as workflow


class MailServerDown(BaseEmailBackend):
    """A mail server that cannot be reached: raises unless asked to fail silently, as Django's SMTP backend does."""

    def send_messages(self, email_messages):
        if not self.fail_silently:
            raise smtplib.SMTPServerDisconnected("connection refused")
        return 0


def test_the_email_carries_the_whole_message_and_the_link_to_the_review_tab(assessment, people):
    people["bob"].email = "bob@example.org"
    people["bob"].save()
    mail.outbox.clear()
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    [notification] = Notification.objects.filter(user=people["bob"])
    assert notification.message == f"{assessment} 已提交，等待您（评价组组长）签署。"
    [sent] = mail.outbox
    link = reverse("assessments:tab", args=[assessment.pk, "review"])
    assert sent.to == ["bob@example.org"]
    assert sent.subject == f"[perfeval 绩效自评] {notification.message}"
    assert sent.body == f"{notification.message}\n\n请登录 perfeval 查看：{link}"


def test_a_mail_server_that_is_down_does_not_stop_the_submission(assessment, people, settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.MailServerDown"}}
    mail.outbox.clear()
    people["bob"].email = "bob@example.org"
    people["bob"].save()
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_step) == (Assessment.Status.IN_REVIEW, "group_leader")
    assert Notification.objects.filter(user=people["bob"], assessment=assessment).count() == 1
    assert list(AuditEvent.objects.filter(assessment=assessment).values_list("action", flat=True)) == ["submit"]
    assert mail.outbox == []  # the failing server was the one used


def test_the_failing_server_raises_unless_told_to_fail_silently(settings):
    """The test above is only worth something if this backend does fail when a caller does not ask for silence."""
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.MailServerDown"}}
    with pytest.raises(smtplib.SMTPServerDisconnected):
        mail.send_mail("s", "m", None, ["x@example.org"])


@pytest.mark.parametrize("steps", [[], ["unknown"], ["supervisor"]])
def test_a_region_without_review_steps_for_the_unit_refuses_the_submission(assessment, people, region, unit, steps):
    """["supervisor"] alone leaves no step for a unit without a supervising department."""
    region.review_steps = steps
    region.save()
    unit.parent = None
    unit.save()
    with pytest.raises(ValidationError) as refused:
        workflow.assessment_submit(assessment=assessment, user=people["alice"])
    assert refused.value.messages == [workflow.NO_STEPS]
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_step) == (Assessment.Status.DRAFT, "")
    assert not AuditEvent.objects.filter(assessment=assessment, action="submit").exists()
