import pytest
from django.db import models

from core.statemachine import Lifecycle, TransitionNotAllowed


class Light(models.TextChoices):
    RED = "red", "Stop"
    ORANGE = "orange", "Brake"
    GREEN = "green", "Drive"
    BROKEN = "broken", "Out of order"


def light_lifecycle() -> Lifecycle:
    return Lifecycle(
        Light,
        {
            Light.RED: {Light.GREEN, Light.BROKEN},
            Light.GREEN: {Light.ORANGE, Light.BROKEN},
            Light.ORANGE: {Light.RED, Light.BROKEN},
            Light.BROKEN: set(),
        },
    )


def test_lifecycle_refuses_an_unknown_source_status_in_its_table():
    with pytest.raises(ValueError, match="blue"):
        Lifecycle(Light, {"blue": {Light.RED}})


def test_lifecycle_refuses_an_unknown_target_status_in_its_table():
    with pytest.raises(ValueError, match="purple"):
        Lifecycle(Light, {Light.RED: {Light.GREEN, "purple"}})


def test_lifecycle_allows_exactly_the_listed_targets():
    lifecycle = light_lifecycle()

    assert lifecycle.allowed_targets(Light.RED) == {Light.GREEN, Light.BROKEN}
    assert lifecycle.is_allowed(Light.RED, Light.GREEN)
    assert not lifecycle.is_allowed(Light.RED, Light.ORANGE)
    assert not lifecycle.is_allowed(Light.RED, Light.RED)


def test_lifecycle_calls_a_status_without_targets_final():
    lifecycle = light_lifecycle()

    assert lifecycle.is_final(Light.BROKEN)
    assert not lifecycle.is_final(Light.RED)


def test_lifecycle_calls_a_status_missing_from_its_table_final():
    lifecycle = Lifecycle(Light, {Light.RED: {Light.GREEN}})

    assert lifecycle.allowed_targets(Light.GREEN) == frozenset()
    assert lifecycle.is_final(Light.GREEN)


def test_lifecycle_check_lets_an_allowed_transition_pass():
    assert light_lifecycle().check(Light.GREEN, Light.ORANGE) is None


def test_lifecycle_check_names_the_labels_of_both_statuses_when_it_refuses():
    with pytest.raises(TransitionNotAllowed) as refusal:
        light_lifecycle().check(Light.RED, Light.ORANGE)

    message = str(refusal.value)
    assert "“Stop”" in message
    assert "“Brake”" in message
    assert message.index("Stop") < message.index("Brake")


def test_lifecycle_check_refuses_an_unknown_target_as_a_domain_refusal():
    with pytest.raises(TransitionNotAllowed, match="purple"):
        light_lifecycle().check(Light.RED, "purple")
