"""Pool configurations and dictionary providers."""

from __future__ import annotations

import ctypes
import itertools
import operator
import os
import weakref
from ctypes import POINTER, c_char_p, c_int64, c_size_t, c_uint8
from typing import Any, Dict, List, Optional, Protocol, Tuple, Union

from . import _capi
from ._capi import lib, zstdpool_config, zstdpool_provider
from ._context import PROVIDER, running_callback
from ._capi import Status
from ._errors import error_for

_INT64 = (-(1 << 63), (1 << 63) - 1)

#: keyword -> ZSTDPOOL_OPT_* value (the one option table, see _capi.option_table()).
OPTIONS: Dict[str, int] = _capi.option_table()
#: value -> its keyword: the library's name (the first in OPTIONS), not an alias.
_NAMES: Dict[int, str] = {}
for _name, _value in OPTIONS.items():
    _NAMES.setdefault(_value, _name)


def check(status: int) -> None:
    """Raises the exception for a failed call with the calling thread's last error."""
    if status != 0:
        raise error_for(status, _capi.last_error())


def encode(text: Union[str, bytes, "os.PathLike[Any]"], what: str, *, path: bool = False) -> bytes:
    """A C string argument: str as UTF-8 (bytes as given; paths as the file system does when
    ``path``). Refuses other types (TypeError) and NUL bytes, which would cut the string
    (ValueError); a lone surrogate raises UnicodeEncodeError (a ValueError)."""
    if path and isinstance(text, os.PathLike):
        data = os.fsencode(text)
    elif isinstance(text, str):
        data = text.encode("utf-8")
    elif isinstance(text, bytes):
        data = text
    else:
        raise TypeError(f"{what} must be str or bytes, not {type(text).__name__}")
    if b"\0" in data:
        raise ValueError(f"{what} contains a NUL character: {text!r}")
    return data


def integer(value: Any, what: str, low: int, high: int) -> int:
    """An int argument in [low, high]: refuses str, float and other non-integers
    (TypeError) and out-of-range values (ValueError) instead of converting them."""
    try:
        number = operator.index(value)
    except TypeError:
        raise TypeError(f"{what} must be an int, not {type(value).__name__}") from None
    if not low <= number <= high:
        raise ValueError(f"{what} = {number} is out of range [{low}, {high}]")
    return number


class Config:
    """A pool configuration: ``Config(level=19, workers=4, training_min_samples=32)``.

    Keywords are the ZSTDPOOL_OPT_* names in lower case without the prefix (see
    :class:`Option`); booleans count as 0/1; other values must be ints. Values are checked
    at once (:class:`ConfigError`, a ValueError); rules relating two options are checked when
    a pool is created. ``config.level`` reads one.
    """

    def __init__(self, **options: int):
        handle = POINTER(zstdpool_config)()
        check(lib.zstdpool_config_new(ctypes.byref(handle)))
        self._handle = handle
        self._finalizer = weakref.finalize(self, lib.zstdpool_config_free, handle)
        self._values: Dict[int, int] = {}
        for name, value in options.items():
            self.set(name, value)

    @staticmethod
    def option(name: Union[str, int]) -> int:
        """The ZSTDPOOL_OPT_* value of a keyword name (or of an Option / its value)."""
        if isinstance(name, str):
            try:
                return OPTIONS[name.lower()]
            except KeyError:
                raise ValueError(f"unknown zstdpool option {name!r}") from None
        number = integer(name, "option", *_INT64)
        if number not in _NAMES:
            raise ValueError(f"unknown zstdpool option {name!r}")
        return number

    def set(self, name: Union[str, int], value: int) -> "Config":
        """Sets one option; returns the configuration."""
        option = self.option(name)
        value = integer(value, _NAMES[option], *_INT64)
        check(lib.zstdpool_config_set(self._handle, option, value))
        self._values[option] = value
        return self

    def get(self, name: Union[str, int]) -> int:
        """One option's current value."""
        out = c_int64()
        check(lib.zstdpool_config_get(self._handle, self.option(name), ctypes.byref(out)))
        return out.value

    def is_set(self, name: Union[str, int]) -> bool:
        """Whether the option was set on this configuration (else it has its default)."""
        return self.option(name) in self._values

    def __getattr__(self, name: str) -> int:
        if name.startswith("_") or name.lower() not in OPTIONS:
            raise AttributeError(name)
        return self.get(name)

    def as_dict(self) -> Dict[str, int]:
        """Every option's current value."""
        return {name: self.get(option) for option, name in _NAMES.items()}

    def copy(self, **overrides: int) -> "Config":
        """A new configuration with the options set on this one, then the overrides."""
        values = {_NAMES[option]: value for option, value in self._values.items()}
        values.update(overrides)
        return Config(**values)

    def __repr__(self) -> str:
        set_ = ", ".join(f"{_NAMES[o]}={v}" for o, v in self._values.items())
        return f"Config({set_})"


# --- Dictionary providers -------------------------------------------------------------------


class DictStore(Protocol):
    """What CallbackProvider wraps: any object with these two methods."""

    def get(self, name: str) -> Optional[bytes]: ...

    def put(self, name: str, data: bytes) -> None: ...


class DictProvider:
    """A dictionary store handle (base class). Pools keep their own reference to the store,
    so a provider may be dropped while pools use it."""

    _handle: Any = None

    def _init(self, handle: Any) -> None:
        self._handle = handle
        self._finalizer = weakref.finalize(self, lib.zstdpool_provider_free, handle)

    def close(self) -> None:
        """Releases this handle (the store lives on while pools use it); afterwards ``get``,
        ``put`` and ``names`` raise ValueError."""
        self._finalizer()

    def _live(self) -> Any:
        finalizer = getattr(self, "_finalizer", None)
        if finalizer is None or not finalizer.alive:
            raise ValueError("the provider is closed")
        return self._handle

    def get(self, name: str) -> Optional[bytes]:
        """The dictionary stored under ``name`` (zstdpool_provider_get, as a pool looks it
        up), or None when the provider has none. With ``put`` into another provider, frames
        made in one process can be read in another. Raises ZstdpoolError (Status.PROVIDER)
        when the store fails."""
        c_name = encode(name, "name")
        handle = self._live()
        length = c_size_t()
        status = lib.zstdpool_provider_get(handle, c_name, None, 0, ctypes.byref(length))
        while status == 0:
            buffer = (c_uint8 * max(length.value, 1))()
            needed = length.value
            status = lib.zstdpool_provider_get(handle, c_name, buffer, needed,
                                               ctypes.byref(length))
            if status == 0 and length.value <= needed:  # else replaced by a larger one
                return bytes(memoryview(buffer).cast("B")[:length.value])
        if status == Status.DICT_MISSING:
            return None
        check(status)
        return None  # not reached

    def put(self, name: str, data: Union[bytes, bytearray, memoryview]) -> None:
        """Stores ``data`` (a zstd dictionary) as the dictionary ``name``, replacing any
        (zstdpool_provider_put, as a pool does after training): to preload a provider.
        Raises ZstdpoolError (Status.BAD_DICTIONARY) when the bytes are not a zstd
        dictionary with an id, ValueError for an empty name."""
        c_name = encode(name, "name")
        if not c_name:
            raise ValueError("name must not be empty")
        if isinstance(data, str) or not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes-like, not {type(data).__name__}")
        raw = data if type(data) is bytes else memoryview(data).tobytes()
        handle = self._live()
        check(lib.zstdpool_provider_put(handle, c_name,
                                        ctypes.cast(c_char_p(raw), POINTER(c_uint8)), len(raw)))

    def names(self) -> List[str]:
        """The names of the dictionaries the provider holds, sorted
        (zstdpool_provider_list). Raises ZstdpoolError (Status.PROVIDER) when the store
        cannot be read or cannot list (a CallbackProvider)."""
        found: List[str] = []

        def each(_user_data: Any, name: bytes) -> int:
            found.append(name.decode("utf-8", "replace"))
            return 0

        callback = _capi.zstdpool_name_fn(each)
        check(lib.zstdpool_provider_list(self._live(), callback, None))
        return found


class DirectoryProvider(DictProvider):
    """Dictionaries as files ``path/<name>.zdict`` (created if missing), usable with
    ``zstd -D``."""

    def __init__(self, path: Union[str, bytes, "os.PathLike[Any]"]):
        handle = POINTER(zstdpool_provider)()
        check(lib.zstdpool_provider_dir_new(encode(path, "path", path=True), ctypes.byref(handle)))
        self.path = path
        self._init(handle)


class MemoryProvider(DictProvider):
    """Dictionaries in memory, as long as this provider or a pool using it lives."""

    def __init__(self) -> None:
        handle = POINTER(zstdpool_provider)()
        check(lib.zstdpool_provider_memory_new(ctypes.byref(handle)))
        self._init(handle)


# Python objects behind callback providers, by key, until the library frees them.
_providers: Dict[int, "CallbackProvider"] = {}
_provider_keys = itertools.count(1)


class CallbackProvider(DictProvider):
    """Wraps any object with ``get(name) -> bytes | None`` and ``put(name, data)``.

    Both are called from worker threads, concurrently for different names. An exception
    they raise makes the category's entries rejected (Status.PROVIDER); it is kept in
    ``errors``.
    """

    def __init__(self, store: DictStore):
        if not (callable(getattr(store, "get", None)) and callable(getattr(store, "put", None))):
            raise TypeError("a dictionary store needs get(name) and put(name, data) methods")
        self.store = store
        self.errors: List[Tuple[str, BaseException]] = []
        key = next(_provider_keys)
        _providers[key] = self
        handle = POINTER(zstdpool_provider)()
        status = lib.zstdpool_provider_callbacks_new(
            _dict_get_trampoline, _dict_put_trampoline, _free_provider_trampoline, key,
            ctypes.byref(handle))
        if status != 0:
            del _providers[key]  # free_user_data is not called on failure
            check(status)
        self._init(handle)


@_capi.zstdpool_dict_get_fn
def _dict_get_trampoline(key, name, out):  # type: ignore[no-untyped-def]
    provider = _providers.get(key)
    if provider is None:
        return 1
    try:
        with running_callback(PROVIDER):
            data = provider.store.get(name.decode("utf-8"))
            if data is None:
                return 0
            data = bytes(data)
            buffer = (c_uint8 * len(data)).from_buffer_copy(data)
            return lib.zstdpool_dict_buffer_set(out, buffer, len(data))
    except BaseException as error:  # noqa: BLE001 -- nothing may cross the C library
        provider.errors.append((name.decode("utf-8", "replace"), error))
        return 1


@_capi.zstdpool_dict_put_fn
def _dict_put_trampoline(key, name, data, length):  # type: ignore[no-untyped-def]
    provider = _providers.get(key)
    if provider is None:
        return 1
    try:
        with running_callback(PROVIDER):
            provider.store.put(name.decode("utf-8"), ctypes.string_at(data, length))
        return 0
    except BaseException as error:  # noqa: BLE001
        provider.errors.append((name.decode("utf-8", "replace"), error))
        return 1


@_capi.free_user_data_fn
def _free_provider_trampoline(key):  # type: ignore[no-untyped-def]
    _providers.pop(key, None)


def as_provider(dict_provider: Any) -> DictProvider:
    """A DictProvider for a provider, a directory path, or a store object."""
    if isinstance(dict_provider, DictProvider):
        return dict_provider
    if isinstance(dict_provider, (str, os.PathLike)):
        return DirectoryProvider(dict_provider)
    return CallbackProvider(dict_provider)
