"""Webhooks cannot be pointed at the portal's own network in production (SSRF)."""

import pytest
from django.core.exceptions import ValidationError

from agencies.routing.channels import PermanentDeliveryError
from agencies.routing.channels.addresses import non_public_address
from agencies.routing.channels.webhook import send
from agencies.routing.models import AgencyChannel
from tests.factories import AgencyFactory


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("https://127.0.0.1/hook", "127.0.0.1"),
        ("https://10.1.2.3:8443/hook", "10.1.2.3"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("https://[::1]/hook", "::1"),
        ("https://localhost/hook", None),  # resolves to loopback: checked below
        ("https://93.184.216.34/hook", None),
    ],
)
def test_non_public_literal_addresses_are_found(url, refused):
    found = non_public_address(url)
    if url.startswith("https://localhost"):
        assert found in {"127.0.0.1", "::1"}
    else:
        assert found == refused


@pytest.mark.django_db
def test_production_refuses_private_webhook_urls_on_save_and_on_send(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    channel = AgencyChannel(
        agency=AgencyFactory(),
        kind=AgencyChannel.Kind.WEBHOOK,
        webhook_url="https://127.0.0.1:9/hook",
        webhook_secret="s3cret",
    )
    with pytest.raises(ValidationError) as error:
        channel.full_clean()
    assert "private network" in str(error.value.message_dict["webhook_url"])

    class Delivery:  # what send() reads before any network access
        idempotency_key = "k"

    Delivery.channel = channel
    with pytest.raises(PermanentDeliveryError, match="non-public address"):
        send(Delivery)


@pytest.mark.django_db
def test_development_allows_local_receivers(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    channel = AgencyChannel(
        agency=AgencyFactory(),
        kind=AgencyChannel.Kind.WEBHOOK,
        webhook_url="http://127.0.0.1:9/hook",
        webhook_secret="s3cret",
    )
    channel.full_clean()
