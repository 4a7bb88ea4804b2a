"""Large stage values stay in the flow's process; tasks pass handles, let go of at the end."""

from __future__ import annotations

import pytest

from jrr.flows import held


def test_a_held_value_is_found_by_its_handle_and_let_go_of_after_the_run() -> None:
    with held.values_of_one_run():
        handle = held.hold([1, 2, 3])
        assert held.held(handle, list) == [1, 2, 3]
    with pytest.raises(KeyError):
        held.held(handle, list)


def test_values_are_let_go_of_when_the_run_fails() -> None:
    with pytest.raises(RuntimeError), held.values_of_one_run():
        handle = held.hold("tables")
        raise RuntimeError("the build failed")
    with pytest.raises(KeyError):
        held.held(handle, str)


def test_a_handle_of_another_kind_of_value_is_refused() -> None:
    with held.values_of_one_run():
        handle = held.hold("not a plan")
        with pytest.raises(TypeError, match="holds a str, not a dict"):
            held.held(handle, dict)


def test_the_release_tasks_take_and_return_no_large_values() -> None:
    from jrr.flows import release

    for task in (release.build_task, release.plan_task, release.publish_task):
        hints = task.fn.__annotations__
        assert "DataFrame" not in str(hints) and "Dataset" not in str(hints)
        assert "ReleasePlan" not in str(hints)
