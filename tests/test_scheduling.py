"""Sharing one local model: chat goes before the next background round; N rounds at most."""

from __future__ import annotations

import anyio

from smallclaw_core.scheduling import ModelGate


def test_waiting_chat_goes_before_the_next_background_round():
    gate = ModelGate(1)
    order: list[str] = []

    async def background(name: str, hold: float) -> None:
        async with gate.background():
            order.append(name)
            await anyio.sleep(hold)

    async def chat() -> None:
        async with gate.interactive():
            order.append("chat")

    async def scenario() -> None:
        async with anyio.create_task_group() as tg:
            tg.start_soon(background, "round 1", 0.2)
            await anyio.sleep(0.05)
            tg.start_soon(background, "round 2", 0.0)  # waiting before the chat arrives
            await anyio.sleep(0.05)
            tg.start_soon(chat)

    anyio.run(scenario)
    assert order == ["round 1", "chat", "round 2"]


def test_capacity_limits_concurrent_background_rounds():
    gate = ModelGate(2)
    running = [0]
    peak = [0]

    async def background() -> None:
        async with gate.background():
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            await anyio.sleep(0.05)
            running[0] -= 1

    async def scenario() -> None:
        async with anyio.create_task_group() as tg:
            for _ in range(6):
                tg.start_soon(background)

    anyio.run(scenario)
    assert peak[0] == 2


def test_a_cancelled_round_frees_its_slot():
    """A round cancelled while it holds the model (a lost lease, a cancelled task) gives the slot back."""
    gate = ModelGate(1)
    entered = []

    async def scenario() -> None:
        with anyio.CancelScope() as scope:
            async with gate.background():
                scope.cancel()
                await anyio.sleep(10)
        with anyio.fail_after(2):
            async with gate.background():
                entered.append("next round")

    anyio.run(scenario)
    assert entered == ["next round"]
