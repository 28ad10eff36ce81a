#!/usr/bin/env python3
"""Writes seed programs for fuzz/fuzz_api.c into OUTDIR/seed-* (called by make_corpus.sh).

The encoding follows fuzz_api.c: an opcode byte, then its argument bytes.
"""
import os
import sys

(CONFIG_SET, CONFIG_GET, CONFIG_RESET, NEW, FREE, ADD, START, FLUSH, WAIT, STOP, JOIN, STATE,
 TOTALS, CATEGORIES, REJECTED, LAST_ERROR, NULL_ARGS, PROVIDER_KNOBS, ADD_ROUNDTRIP, BAD_ADD,
 SLEEP) = range(21)

# Indexes into fuzz_api.c's tables.
CAT = {None: 0, "a": 1, "b": 2, "c": 3, "d": 4, "o": 5, "a/b": 6, "../up": 7, ".": 8,
       "..": 9, "%2F": 10, "sp ace": 11, "ete": 12, "emoji": 13, "long": 14, "": 15,
       "xff": 16}
OPT = {name: i for i, name in enumerate([
    "level", "checksum", "workers", "processors", "queue_capacity", "max_decompressed_size",
    "training_enabled", "dict_size", "min_samples", "min_bytes", "max_samples",
    "max_sample_size", "effort", "max_dict_size", "max_bytes", "k", "d", "f", "accel",
    "steps", "threads", "split_point", "trainer_level", "exact_cover", "optimize",
    "unknown0", "unknown-1"])}
MEM, DIR, CB, NOPROV = 0, 1, 2, 3
ACT = {"none": 0, "child": 1, "stop": 2, "deadlock": 3, "queries": 4, "child_stop": 5,
       "sleep": 6, "rejections": 7}
WHERE = {"read": 0, "write": 1, "done": 2, "every_read": 3}
TEXT, RANDOM, SAME, INPUT = 0, 1, 2, 3
FAULT = {"none": 0, "read": 1, "write": 2, "overread": 3}
DECL = {"exact": 0, "unknown": 2, "more": 3, "less": 4, "zero": 5}


def small(v):
    """A small value 0..63 for CONFIG_SET."""
    assert 0 <= v < 64
    return [192 + v]


def raw16(v):
    return [100, v & 0xff, (v >> 8) & 0xff]


def config_set(opt, value_bytes):
    return [CONFIG_SET, OPT[opt]] + value_bytes


def new(slot, compress, provider=MEM, null_cfg=False, drop_provider=False):
    b = slot | (compress << 1) | (provider << 2) | (null_cfg << 4) | (drop_provider << 5)
    return [NEW, b]


def add(slot, cat=None, size=40, kind=TEXT, seed=1, decl="exact", fault="none", fault_at=0,
        chunk=0, act="none", where="done", no_done=False, data=b""):
    action = ACT[act] | (WHERE[where] << 3) | (0xe0 if no_done else 0)
    ops = [ADD, slot, CAT[cat], size, kind, seed, DECL[decl], FAULT[fault], fault_at, chunk,
           action]
    return ops + list(data)


def roundtrip(slot, which=0, cat=0x80, chunk=0, cut=0):
    return [ADD_ROUNDTRIP, slot, which, cat, chunk, cut]


def op(code, *args):
    return [code] + list(args)


def seeds():
    s = {}
    # Compress with training in two categories, then decompress every output.
    p = config_set("min_samples", small(4)) + new(0, 1, MEM)
    for i in range(6):
        p += add(0, "a" if i % 2 else "b", size=30 + i, seed=i + 1, chunk=(0, 7, 200)[i % 3])
    p += add(0, None, size=20, seed=9, decl="unknown")
    p += op(FLUSH, 0) + op(WAIT, 0) + new(1, 0, MEM)
    for i in range(7):
        p += roundtrip(1, which=i, chunk=(0, 3, 50)[i % 3])
    p += op(WAIT, 1) + op(TOTALS, 1) + op(CATEGORIES, 0, 0) + op(CATEGORIES, 1, 3)
    p += op(REJECTED, 1, 0) + op(STOP, 1) + op(JOIN, 1, 0xff) + op(JOIN, 0, 5)
    s["roundtrip"] = p

    # Failing callbacks and wrong sizes, then the rejections.
    p = new(0, 1, CB)
    for i, (fault, decl) in enumerate([("read", "exact"), ("write", "exact"),
                                       ("overread", "exact"), ("none", "more"),
                                       ("none", "less"), ("none", "zero"),
                                       ("read", "unknown")]):
        p += add(0, "c" if i % 2 else None, size=20 + i, seed=i, fault=fault, fault_at=i,
                 decl=decl, chunk=16)
    p += op(FLUSH, 0) + op(WAIT, 0) + op(REJECTED, 0, 1) + op(LAST_ERROR, 0, 10)
    p += op(TOTALS, 0) + op(STOP, 0) + op(JOIN, 0, 0xf0)
    s["faults"] = p

    # Lifecycle: stop an idle pool, add after stop, start after stop, joins with timeouts.
    p = new(0, 1, MEM) + op(STATE, 0) + op(STOP, 0) + op(STATE, 0) + add(0, "a")
    p += op(START, 0) + op(JOIN, 0, 0) + op(FREE, 0)
    p += new(1, 1, MEM) + op(START, 1) + op(JOIN, 1, 3) + add(1, "a", act="sleep",
                                                             where="every_read", chunk=100)
    p += op(STOP, 1) + op(JOIN, 1, 1) + op(STATE, 1) + add(1, None) + op(JOIN, 1, 0xf5)
    p += op(WAIT, 1) + op(FREE, 1)
    s["lifecycle"] = p

    # Callbacks re-entering their pool: each action in each callback.
    p = config_set("workers", small(2)) + new(0, 1, MEM)
    for i, act in enumerate(["child", "deadlock", "queries", "rejections", "sleep"]):
        for where in ["read", "write", "done"]:
            p += add(0, ("a", None, "b")[i % 3], size=10 + i, seed=i, act=act, where=where)
    p += add(0, "a", act="child_stop", where="done") + add(0, None, act="child")
    p += op(FLUSH, 0) + op(JOIN, 0, 0xff) + op(STATE, 0)
    s["reentrancy"] = p

    # A callback stopping the pool while the program adds more.
    p = new(0, 1, MEM) + add(0, None, act="stop", where="read", fault="read", fault_at=2,
                             chunk=5)
    for i in range(5):
        p += add(0, "a", seed=i, no_done=(i == 2)) + op(SLEEP, 1)
    p += op(JOIN, 0, 10) + op(STATE, 0) + op(TOTALS, 0)
    s["callback-stop"] = p

    # Configuration values: in range, out of range, unknown options; a pool from each.
    p = []
    for opt, val in [("level", small(19)), ("level", raw16(-7)), ("level", [14]),
                     ("checksum", [1]), ("workers", [0]), ("workers", small(3)),
                     ("processors", raw16(-2)), ("queue_capacity", [1]),
                     ("max_decompressed_size", small(1)), ("dict_size", small(10)),
                     ("dict_size", [18]), ("min_samples", [1]), ("max_samples", [2]),
                     ("effort", small(2)), ("k", [10]), ("d", small(12)), ("exact_cover", [1]),
                     ("optimize", [1]), ("steps", small(4)), ("f", [13]), ("accel", small(3)),
                     ("split_point", [20]), ("threads", small(2)), ("unknown0", [1]),
                     ("max_bytes", [23]), ("min_bytes", [36]), ("max_sample_size", [15])]:
        p += config_set(opt, val)
    p += op(CONFIG_GET, 1) + op(CONFIG_GET, 0x80) + new(0, 1, MEM)
    for i in range(4):
        p += add(0, "a", seed=i, size=60)
    p += op(FLUSH, 0) + op(WAIT, 0) + op(CATEGORIES, 0, 1)
    p += config_set("processors", small(1)) + new(1, 0, MEM) + op(CONFIG_RESET)
    p += new(1, 1, MEM, null_cfg=True) + add(1, None) + op(WAIT, 1)
    s["config"] = p

    # Providers: failing get, failing put, a get serving garbage, the directory provider with
    # names odd for a file, a too-long name, and the provider handle freed at once.
    p = op(PROVIDER_KNOBS, 1, 0) + new(0, 1, CB) + add(0, "a") + op(WAIT, 0)
    p += op(PROVIDER_KNOBS, 2, 0) + new(0, 1, CB) + config_set("min_samples", small(2))
    p += add(0, "b") + add(0, "b", seed=3) + op(FLUSH, 0) + op(WAIT, 0) + op(REJECTED, 0, 0)
    p += op(PROVIDER_KNOBS, 4, 0) + new(1, 0, CB) + add(1, "d") + op(WAIT, 1)
    p += op(PROVIDER_KNOBS, 0, 0) + new(0, 1, DIR, drop_provider=True)
    for i, cat in enumerate(["a/b", "../up", ".", "..", "%2F", "sp ace", "ete", "emoji",
                             "long"]):
        p += add(0, cat, seed=i, size=20)
    p += op(FLUSH, 0) + op(WAIT, 0) + op(CATEGORIES, 0, 0) + new(1, 0, DIR)
    for i in range(9):
        p += roundtrip(1, which=i)
    p += op(WAIT, 1) + op(CATEGORIES, 1, 0)
    s["providers"] = p

    # Bad dictionaries from the provider: cut short, a changed byte, empty; both directions.
    p = []
    for mode, param in [(2, 40), (2, 255), (3, 3), (3, 100), (3, 250), (4, 0)]:
        p += op(PROVIDER_KNOBS, mode << 2, param) + new(0, 1, CB) + add(0, "d", seed=param)
        p += op(WAIT, 0) + new(1, 0, CB) + roundtrip(1, 0) + op(WAIT, 1) + op(CATEGORIES, 1, 0)
    s["bad-dicts"] = p

    # The fixed dictionary "d" and the other one "o" through the callbacks provider.
    p = new(0, 1, CB) + add(0, "d", size=80) + add(0, "o", size=80, seed=5)
    p += add(0, "d", size=3, decl="unknown") + op(WAIT, 0) + new(1, 0, CB)
    p += roundtrip(1, 0) + roundtrip(1, 1, cat=CAT["d"]) + roundtrip(1, 2, cat=CAT[None])
    p += roundtrip(1, 0, cut=0x41) + roundtrip(1, 1, cut=0x83) + op(WAIT, 1) + op(REJECTED, 1, 2)
    s["fixed-dicts"] = p

    # Decompressing things that are not zstd, from generated and from input bytes.
    p = new(0, 0, MEM) + add(0, None, kind=RANDOM) + add(0, "a", kind=SAME, seed=0x28)
    p += add(0, None, size=1, kind=INPUT, data=b"\x28\xb5\x2f\xfd\x20\x05\x29\x00\x00hello")
    p += add(0, None, size=0) + op(WAIT, 0) + op(REJECTED, 0, 0)
    s["decompress-garbage"] = p

    # NULL arguments (op_null_args' 17 cases, the snapshot calls' included) and refused adds.
    p = new(0, 1, MEM)
    for i in range(17):
        p += op(NULL_ARGS, 0, i | (0x80 if i == 0 else 0))
    for i in range(7):
        p += op(BAD_ADD, 0, i)
    p += op(NULL_ARGS, 1, 7) + add(0, "") + add(0, "xff") + op(LAST_ERROR, 0, 0)
    p += op(LAST_ERROR, 0, 5)
    s["null-args"] = p

    # Two pools at once, with small queues, training, sleeps and joins with timeouts.
    p = config_set("queue_capacity", small(2)) + config_set("min_samples", small(3))
    p += new(0, 1, MEM) + new(1, 1, CB)
    for i in range(8):
        p += add(i % 2, "abc"[i % 3], seed=i, size=25, act="sleep" if i % 4 == 0 else "none")
    p += op(JOIN, 0, 2) + op(STOP, 1) + op(JOIN, 1, 4) + op(FLUSH, 0) + op(STOP, 0)
    p += op(JOIN, 0, 0xf1) + op(JOIN, 1, 0xf1)
    s["two-pools"] = p

    # Statistics snapshots: one held (CATEGORIES with bit 7 of its index byte) while the pool
    # goes on with new categories, checked and replaced by the next held one, which outlives
    # its pool (freed, then the run ends).
    p = new(0, 1, MEM) + add(0, "b", seed=1) + add(0, None, seed=2) + op(WAIT, 0)
    p += op(CATEGORIES, 0, 0x80) + add(0, "a", seed=3) + add(0, "sp ace", seed=4)
    p += op(WAIT, 0) + op(CATEGORIES, 0, 0x81) + add(0, "c", act="queries", where="done")
    p += op(WAIT, 0) + op(CATEGORIES, 0, 0x82) + op(FREE, 0)
    p += new(1, 0, MEM) + op(CATEGORIES, 1, 0x83) + op(STOP, 1) + op(JOIN, 1, 0xff)
    s["snapshots"] = p
    return s


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, program in seeds().items():
        with open(os.path.join(out, "seed-" + name), "wb") as f:
            f.write(bytes(program))


if __name__ == "__main__":
    main()
