"""The embedded channel layer sweeps expired messages, at most once a second."""

import types

import channels.layers

from academy.layers import InMemoryChannelLayer


async def test_expired_messages_are_swept_at_most_once_a_second(monkeypatch):
    wall = {"now": 1000.0}
    monkeypatch.setattr(channels.layers, "time", types.SimpleNamespace(time=lambda: wall["now"]))
    layer = InMemoryChannelLayer(expiry=60)
    mono = {"now": 50.0}
    layer.clock = lambda: mono["now"]
    layer._clean_expired()  # the first sweep (a receive or a group_send makes one)
    await layer.group_add("room", "specific.inmemory!a")
    await layer.send("specific.inmemory!a", {"type": "room.events"})
    wall["now"] += 61  # the message has expired …
    mono["now"] += 0.5
    layer._clean_expired()
    assert "specific.inmemory!a" in layer.channels  # … but the last sweep was half a second ago
    mono["now"] += 0.6
    layer._clean_expired()
    assert "specific.inmemory!a" not in layer.channels  # swept, and its channel left the group
    assert "specific.inmemory!a" not in layer.groups.get("room", {})
