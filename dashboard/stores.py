"""The settings and the stores the dashboard runs on: the service store (one per server
process: logins, users admin) and one store per role, whose every query runs under the
role's PostgreSQL role (grants, row-level security), so a page shows a user what the
database lets that role see, not what the page chose to hide.

Cache keys built from a store must tell the roles apart (:func:`store_key`): the role
stores share the service store's address.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from surveillance.settings import Settings, load_settings
from surveillance.store import Store

__all__ = ["role_store", "service_store", "settings", "store_key"]


def settings() -> Settings:
    """The settings in force (``COASTWATCH_*`` environment, config file)."""
    return load_settings()


def _key(current: Settings) -> str:
    url = current.database_url.get_secret_value() if current.database_url else ""
    return hashlib.sha256(f"{url}|{current.home}".encode()).hexdigest()


@st.cache_resource(show_spinner="Opening the store")
def _open_store(key: str, _settings: Settings) -> Store:
    return Store.open(_settings)


@st.cache_resource(show_spinner=False)
def _role_store(key: str, role: str, _service: Store) -> Store:
    return _service.as_role(role)


def service_store(current: Settings) -> Store:
    """The store of these settings under the service's own login, opened once per server
    process: for logins and the users admin, never for a user's reads."""
    return _open_store(_key(current), current)


def role_store(current: Settings, role: str) -> Store:
    """The store whose queries run as ``role`` (one per role and server process)."""
    return _role_store(_key(current), role, service_store(current))


def store_key(current: Store, role: str) -> str:
    """Identifies a store and the role it runs as in cache keys."""
    url = current.engine.url.render_as_string(False)
    return hashlib.sha256(f"{url}|{role}".encode()).hexdigest()
