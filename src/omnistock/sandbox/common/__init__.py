"""The framework every sandbox builds on: clock, faults, rate limits, request log, admin, server."""

from omnistock.sandbox.common.admin import admin_router
from omnistock.sandbox.common.base import SandboxBase, SandboxOptions, build_app
from omnistock.sandbox.common.clock import SandboxClock
from omnistock.sandbox.common.crash import CrashMiddleware
from omnistock.sandbox.common.faults import (
    ADMIN_PREFIX,
    Burst429,
    ErrorBody,
    FaultConfig,
    FaultDecision,
    FaultInjector,
    FaultKind,
    FaultMiddleware,
)
from omnistock.sandbox.common.ratelimit import LeakyBucket, RateDecision, SlidingWindow
from omnistock.sandbox.common.requestlog import RequestEntry, RequestLog, RequestLogMiddleware
from omnistock.sandbox.common.server import SandboxServer

__all__ = [
    "ADMIN_PREFIX",
    "Burst429",
    "CrashMiddleware",
    "ErrorBody",
    "FaultConfig",
    "FaultDecision",
    "FaultInjector",
    "FaultKind",
    "FaultMiddleware",
    "LeakyBucket",
    "RateDecision",
    "RequestEntry",
    "RequestLog",
    "RequestLogMiddleware",
    "SandboxBase",
    "SandboxClock",
    "SandboxOptions",
    "SandboxServer",
    "SlidingWindow",
    "admin_router",
    "build_app",
]
