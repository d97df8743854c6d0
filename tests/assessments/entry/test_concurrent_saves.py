"""Two people save the same tab of the same version at the same moment, on separate connections to PostgreSQL: the
optimistic lock accepts exactly one; the other is told who saved first and keeps what they typed."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment, AuditEvent, Facts
from tests.html_forms import form_data
from units.models import Membership, Role

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two requests on two connections at once: needs DATABASE_URL=postgres://… (runs in CI)",
)


def post_together(requests):
    """Each (client, url, data) posted from its own thread and database connection, released by one barrier."""
    barrier = threading.Barrier(len(requests))
    responses, errors = [None] * len(requests), []

    def post(index, client, url, data):
        try:
            barrier.wait()
            responses[index] = client.post(url, data)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i, *request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return responses


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_version_at_once_one_is_accepted_the_other_refused_with_its_input_kept(
    alice, assessment, django_user_model, unit
):
    erin = django_user_model.objects.create_user(username="erin", first_name="赵会计", password="x")
    Membership.objects.create(user=erin, unit=unit, role=Role.PREPARER)
    url = reverse("assessments:tab", args=[assessment.pk, "basic-data"])
    version = assessment.lock_version
    typed = {"alice": ("111.11", "爱丽丝的措施"), "erin": ("222.22", "赵会计的措施")}
    requests = []
    for user in (alice, erin):
        client = Client()
        client.force_login(user)
        data = form_data(client.get(url).content.decode())
        assert data["lock_version"] == str(version)
        budget, measures = typed[user.username]
        data |= {"facts-reception_budget": budget, "facts-austerity_measures": measures}
        requests.append((client, url, data))

    alice_response, erin_response = post_together(requests)

    assert sorted([alice_response.status_code, erin_response.status_code]) == [200, 302]
    accepted, refused = ("alice", "erin") if alice_response.status_code == 302 else ("erin", "alice")
    winner_name = {"alice": "alice", "erin": "赵会计"}[accepted]
    html = (erin_response if refused == "erin" else alice_response).content.decode()
    assert f"{winner_name}已于" in html and "您的修改未保存" in html
    budget, measures = typed[refused]
    assert f'value="{budget}"' in html and measures in html

    facts = Facts.objects.get(assessment=assessment)
    assert facts.reception_budget == Decimal(typed[accepted][0])
    assert facts.austerity_measures == typed[accepted][1]
    assert Assessment.objects.get(pk=assessment.pk).lock_version == version + 1
    saves = AuditEvent.objects.filter(assessment=assessment, action="save")
    assert [event.user.username for event in saves] == [accepted]
