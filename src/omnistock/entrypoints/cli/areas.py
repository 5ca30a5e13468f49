"""The explicit list of CLI areas; add a module's ``register`` here to expose its commands.

Each area module defines ``register(app: typer.Typer) -> None``. To add one, append a line::

    from omnistock.entrypoints.cli import myarea; REGISTRY.append(myarea.register)

Modules are imported only when the CLI runs (``main()`` imports this file), never by the API.
"""

from __future__ import annotations

from collections.abc import Callable

import typer

from omnistock.entrypoints.cli import catalog, demo, policy, setup, stock
from omnistock.entrypoints.cli import sandbox as sandbox_cli

REGISTRY: list[Callable[[typer.Typer], None]] = [
    setup.register,
    catalog.register,
    stock.register,
    policy.register,
    demo.register,
]
REGISTRY.append(sandbox_cli.register)

from omnistock.entrypoints.cli import sync  # noqa: E402  (sync engine: worker, sync run|status|reconcile)

REGISTRY.append(sync.register)

from omnistock.entrypoints.cli import compliance  # noqa: E402  (rules validate|list, compliance check)

REGISTRY.append(compliance.register)

from omnistock.entrypoints.cli import orders  # noqa: E402  (orders list|show|import)

REGISTRY.append(orders.register)

from omnistock.entrypoints.cli import serve, token  # noqa: E402  (REST API: serve, token create|list|revoke)

REGISTRY.extend([serve.register, token.register])

from omnistock.entrypoints.cli import safety  # noqa: E402  (holds, pause, resume, incidents, notify)

REGISTRY.append(safety.register)

from omnistock.entrypoints.cli import invoice  # noqa: E402  (invoice issue|list|show|xml|pdf|correct|send)

REGISTRY.append(invoice.register)

from omnistock.entrypoints.cli import privacy  # noqa: E402  (privacy rotate-key|export|erase|sweep|datamap)

REGISTRY.append(privacy.register)

from omnistock.entrypoints.cli import demo_tour  # noqa: E402  (omnistock demo: the tour, issue 10)

REGISTRY[REGISTRY.index(demo.register)] = demo_tour.register

from omnistock.entrypoints.cli import channel_ops  # noqa: E402  (channel auth|test, issue 5)

REGISTRY.append(channel_ops.register)
