#!/usr/bin/env python3
"""Inputs for test/convert/compare.sql: text that src/convert.c and
PostgreSQL's input functions must agree on (same value, or both refuse).

Prints "family<TAB>input" lines in COPY text format.  Every input is tried
against every checked type; the family only says which generator made it.
Deterministic (fixed seed), so a run is reproducible.
"""
import random
import struct
import sys

rnd = random.Random(15)
out = []


def add(family, values):
    for v in values:
        out.append((family, v))


WS = [" ", "\t", "\n", "\r", "\v", "\f"]


def mutate(s, n=1):
    """Random single-character edits of s."""
    alphabet = "0123456789+-.eE :/TZ,{}\"\\xabnNIiftyo\t"
    for _ in range(n):
        op = rnd.randrange(3)
        pos = rnd.randrange(len(s) + 1)
        c = rnd.choice(alphabet)
        if op == 0:
            s = s[:pos] + c + s[pos:]
        elif op == 1 and s:
            pos = min(pos, len(s) - 1)
            s = s[:pos] + s[pos + 1:]
        elif s:
            pos = min(pos, len(s) - 1)
            s = s[:pos] + c + s[pos + 1:]
    return s


# ---------------------------------------------------------------- integers
ints = []
for b in (15, 31, 63):
    for base in (2 ** b, -(2 ** b)):
        for d in (-1, 0, 1):
            ints.append(str(base + d))
ints += ["0", "-0", "+0", "007", "-007", "+-1", "--1", "++1", "-", "+", "",
         " ", "1 2", "1_000", "0x1F", "0o17", "0b101", "1e3", "1.0", "1.",
         ".1", "12x", "x12", "١٢", "１２", "99999999999999999999999",
         "-99999999999999999999999", "00000000000000000000000000000001",
         "32767 ", " 32768", "\t-32768\n", "2147483647\f", "\v-2147483649"]
for _ in range(400):
    digits = "".join(rnd.choice("0123456789") for _ in range(rnd.randint(1, 21)))
    s = rnd.choice(["", "-", "+"]) + digits
    if rnd.random() < 0.3:
        s = rnd.choice(WS) + s
    if rnd.random() < 0.3:
        s = s + rnd.choice(WS)
    if rnd.random() < 0.15:
        s = mutate(s)
    ints.append(s)
add("int", ints)

# ------------------------------------------------------------------ floats
floats = ["NaN", "nan", "NAN", "-NaN", "+nan", " nan ", "nanx", "nan(123)",
          "Infinity", "infinity", "-Infinity", "+Infinity", "INF", "inf",
          "-inf", "+inf", "Inf ", "infinit", "infinityx", "in", "-", "",
          "1e", "e5", ".", "-.5", "5.", "+.e1", "0x1p-3", "0X1P3", "1e309",
          "-1e309", "1e-400", "-1e-400", "4.9e-324", "2.4e-324", "1e-310",
          "1.7976931348623157e308", "1.7976931348623159e308",
          "3.4028235e38", "3.5e38", "-3.5e38", "1e-46", "1.4e-45", "7e-46",
          "1e-38", "1.17549435e-38", "0.1", "1.5 ", " 1.5", "1,5", "1.5.",
          "1e+05", "1E-05", "1e 5", "1ee5", "1e+-5", "  -0.0  ",
          "123456789012345678901234567890", "1e1000", "1e-1000"]
for _ in range(500):
    r = rnd.random()
    if r < 0.3:
        x = struct.unpack("<d", struct.pack("<Q", rnd.getrandbits(64)))[0]
    elif r < 0.6:
        x = struct.unpack("<f", struct.pack("<I", rnd.getrandbits(32)))[0]
    else:
        x = rnd.uniform(-1e6, 1e6) * 10 ** rnd.randint(-50, 50)
    fmt = rnd.choice(["%r", "%g", "%e", "%.17g", "%.9g", "%.3f", "%E"])
    s = (fmt % x) if fmt != "%r" else repr(x)
    if rnd.random() < 0.2:
        s = rnd.choice(WS) + s + rnd.choice(["", " "])
    if rnd.random() < 0.1:
        s = mutate(s)
    floats.append(s)
add("float", floats)

# ----------------------------------------------------------------- numeric
nums = ["NaN", " nan ", "Infinity", "-Infinity", "inf", "-inf", "+inf",
        "1e 5", "1e+ 5", "1e\t5", "1e2147483647", "1e1073741822",
        "1e1073741823", "1e-1073741823", "1e-1073741822",
        "1e131071", "1e131072", "9.99e131071", "9999e131068", "1e-16383",
        "1e-16384", "0e-16383", "0e-16384", "0." + "0" * 16383,
        "0." + "0" * 16384, "1." + "0" * 16383, "1." + "0" * 16384,
        "0.0000" + "0" * 16380 + "1", "0.0000" + "0" * 16379 + "1",
        "9" * 131072, "9" * 131073, "1" + "0" * 131071, "1" + "0" * 131072,
        "999.995", "999.994", "-999.995", "0.005", "-0.005", "0.0049999",
        "9.9999e2", "99999.5", "99999.49", "-99999.5", "0.00001", "0.000005",
        "0.0000049", "12345", "1234.5", "-0", "+0.000", "0e10", "-0e-10",
        "00000.00000", "000123.4500", ".", "-.", "+.1", "1.2.3", "1..2", "--1",
        "1e", "1e+", "1e-", "1e5.5", "1 e5", "1e5 ", " 1e5x", "1.e5", ".1e-5",
        "12345678901234567890123456789.123456789", "150", "149.9", "150.1",
        "1000", "999", "999.5", "99.95", "-99.95", "9.995", "0.995",
        "0.0995", "5", "50", "49", "45", "44.999", "0.5", "0.45"]
for _ in range(700):
    ip = "".join(rnd.choice("0123456789") for _ in range(rnd.randint(0, 8)))
    fp = "".join(rnd.choice("0123456789") for _ in range(rnd.randint(0, 8)))
    s = rnd.choice(["", "", "-", "+"]) + ip
    if fp or rnd.random() < 0.5:
        s += "." + fp
    if rnd.random() < 0.4:
        s += rnd.choice("eE") + rnd.choice(["", "-", "+"]) + str(rnd.randint(0, 12))
    if rnd.random() < 0.5 and rnd.random() < 0.5:
        s = rnd.choice(["9" * rnd.randint(1, 7), "0.0" + "0" * rnd.randint(0, 5)]) + \
            ("5" if rnd.random() < 0.5 else "49")
    if rnd.random() < 0.1:
        s = mutate(s)
    nums.append(s)
add("numeric", nums)

# ----------------------------------------------------------------- boolean
bools = []
for w in ["true", "false", "yes", "no", "on", "off", "1", "0"]:
    for i in range(1, len(w) + 2):
        p = w[:i] if i <= len(w) else w + "x"
        bools += [p, p.upper(), p.capitalize(), " " + p + "\t"]
bools += ["o", "of", "offf", "onn", "2", "", " ", "t r", "tr ue", "yes!",
          "01", "10", "-1", "TRUE ", "\nfalse\n", "ye", "y", "n", "f", "t"]
add("bool", bools)

# -------------------------------------------------------------------- text
texts = ["abc", "abc ", "abc   ", "abcd", "abcd ", " abc", "", " ", "    ",
         "ab c", "héllo", "hé", "héllo wörld", "日本語テキスト", "日本", "日本 ",
         "日本語 ", "日本語  x", "a\tb", "tab\t", "émoji 😀", "😀😀😀", "😀😀😀 ",
         "😀😀😀😀", "abcdefghij", "abcdefghij ", "abcdefghijk", "x" * 300,
         "single'quote", 'dou"ble', "back\\slash", "new\nline"]
add("text", texts)

# --------------------------------------------------------------- date/time
dates = [
    "1999-01-08", "1999-01-08 04:05:06", "1999-01-08 04:05:06.789",
    "1999-01-08T04:05:06Z", "1999-01-08 04:05:06+05", "1999-01-08 04:05:06+05:30",
    "1999-01-08 04:05:06-0800", "1999-01-08 04:05:06 +14:00:01",
    "1999-01-08 04:05:06 +15:59", "1999-01-08 04:05:06 +15:59:59",
    "1999-01-08 04:05:06 +16:00", "1999-01-08 04:05:06 -16:00",
    "1999-01-08 04:05:06 UTC", "1999-01-08 04:05:06 America/New_York",
    "1999-01-08 04:05:06 Europe/Berlin", "1999-01-08 04:05:06 Foo/Bar",
    "1999-01-08 04:05:06 EST", "1999-01-08 04:05:06 PST8PDT",
    "1999-01-08 04:05:06 EST5EDT", "1999-01-08 04:05:06 CET", "1999-01-08 MSK",
    "1999-01-08 04:05:06 foobar", "1999-01-08 04:05:06 ABC-05",
    "1999-01-08 04:05:06 America/Nowhere", "1999-01-08 04:05:06 +05 UTC",
    "2003-07-01 01:00:00 EDT", "2003-07-01 01:00:00 EST", "2003-07-01 01:00 MET DST",
    "January 8, 1999", "Jan 8 1999", "Jan-08-1999", "08-Jan-1999",
    "1999-Jan-08", "99-Jan-08", "08-Jan-99", "Jan-08-99", "jan/08/1999",
    "January/8/1999", "Sat Jan-08-1999", "Jan-08-1999 04:05", "Foo-08-1999",
    "Jan-Feb-1999", "Jan-08", "Jan-08-", "-Jan-08-1999", "Jan--08--1999",
    "jan08-1999", "J2451187", "J2451187.5", "19990108", "990108", "1999.008",
    "1/8/1999", "1/18/1999", "18/1/1999", "01/02/03", "99-01-08", "08-01-99",
    "January 8, 99 BC", "0044-03-15 BC", "4714-11-24 BC", "4714-11-23 BC",
    "4713-01-01 BC", "5874897-12-31", "5874898-01-01", "294276-12-31",
    "294276-12-31 23:59:59.999999", "294276-12-31 23:59:59.9999995",
    "294277-01-01", "294277-01-01 00:00:00", "4714-11-24 00:00:00+00 BC",
    "4714-11-23 23:59:59+00 BC", "4714-11-24 00:00:00+01 BC",
    "294276-12-31 23:59:59-01", "2024-02-29", "2023-02-29", "2023-02-28 24:00",
    "2023-13-01", "2023-00-10", "2023-01-32", "2023-04-31", "0000-01-01",
    "0001-01-01", "0001-01-01 BC", "10000-01-01", "99999-12-31",
    "epoch", "infinity", "-infinity", "+infinity", "Infinity", "now", "today",
    "tomorrow", "yesterday", "allballs", "today 12:00", "epoch 12:00",
    "infinity 12:00", "now UTC", "today allballs", "z", "zulu",
    "04:05", "04:05:06", "04:05:06.789012", "04:05:06.7890125",
    "04:05:06.9999995", "23:59:59.9999999", "24:00:00", "24:00:00.000001",
    "24:00:01", "23:59:60", "23:59:60.5", "23:60:00", "25:00:00", "-01:00",
    "040506", "t040506", "T04:05:06", "1999-01-08 t 040506", "1999-01-08T040506",
    "1999-01-08 t abcd-05", "1999-01-08 t 0405-05", "04:05 PM", "04:05 AM",
    "12:00 PM", "12:00 am", "13:00 PM", "00:00 AM", "4pm", "04:05:06 PST",
    "04:05:06 America/New_York", "04:05:06 Foo/Bar", "04:05:06-08:00",
    "04:05:06 +0530", "1999-01-08 04:05:06 PST", "2003-04-12 04:05:06 America/New_York",
    "Foo/Bar 04:05:06", "Foo/Bar", "America/New_York", "04:05 Foo/Bar 1999-01-08",
    "y1999m01d08", "y1999m01d08h04mm05s06", "1999-01-08 04:05:06 J", "J 2451187",
    "Mon Jan 08 1999", "Monday, January 8, 1999", "Sun, 06 Nov 1994 08:49:37 GMT",
    "Thu, 01 Jan 1970 00:00:00 +0000", "1999-01-08 04:05:06.789+02:30",
    "1999-01-08 04:05:06 ad", "1999-01-08 04:05:06 BC", "1999 01 08",
    "1999-1-8", "8 Jan 1999", "Jan 1999 8", "1999/01/08", "1999.01.08",
    "08.01.1999", "2001-02-16 20:38:40.12-08", "2001-02-16 20:38:40.123456789",
    "1997-02-10 17:32:01 -0800", "Feb 10 17:32:01 1997 PST", "Feb-10-1997 17:32:01 PST",
    "02-10-1997 17:32:01 PST", "19970210 173201 -0800", "1997-06-10 17:32:01 -07:00",
    "2000-03-15 08:14:01 GMT+8", "2000-03-15 13:14:02 GMT-1", "2000-03-15 12:14:03 GMT-2",
    "1997.041 17:32:01 UTC", "19970210 173201 America/New_York",
    "1997-06-10 18:32:01 PDT", "Feb 10 17:32:01 1997", "Feb 10 5:32PM 1997",
    "1997/02/10 17:32:01-0800", "1997-02-10 17:32:01 PST", "Feb-10-1997 17:32:01 PST",
    "J2450490 17:32:01", "1997-02-10 17:32:01-08 +00", "20011225T040506.789-07",
    "97038 152327", "970207 152327", "Dec 31 23:59:59 1999 EST", "Jan 1 00:00 2000 GMT",
    "Jan 1 12:00 2000 PST8PDT", "2000-01-01 00:00 posix/America/New_York",
    "2000-01-01 00:00 <+05>-05", "12:00 <+05>-05", "1999-01-08 04:05:06 Etc/GMT+5",
    "1999-01-08 04:05:06 etc/gmt-14", "1999-01-08 04:05:06 GMT+5",
    "", " ", "abc", "1999", "99", "1999-01", "01-08", "04", "4:5:6:7",
    "1999-01-08 04:05:06 04:05:06", "1999-01-08 1999-01-08", "T", "t 04:05",
]
tokens = ["1999-01-08", "08-Jan-1999", "Jan-08-1999", "1/8/1999", "jan", "8",
          "1999", "04:05:06", "04:05", "040506", "t", "T", "J2451187", "pm",
          "am", "bc", "ad", "UTC", "Z", "+05", "-08:00", "America/New_York",
          "Foo/Bar", "abc-05", "EST", "MET", "DST", "today", "epoch", "now",
          "allballs", "infinity", "Sat", "y1999", "m01", "d08", "h04", "mm05",
          "s06", "1999.008", "19990108", "12.5", "x", "-", "/", ".", "on",
          "at", "Etc/GMT+5", "Jan-Feb", "abc/def", "q-1", "EST5EDT", "jan08"]
for _ in range(2500):
    n = rnd.randint(1, 5)
    s = " ".join(rnd.choice(tokens) for _ in range(n))
    if rnd.random() < 0.15:
        s = mutate(s, rnd.randint(1, 2))
    dates.append(s)
for _ in range(400):
    y = rnd.choice([rnd.randint(1, 9999), rnd.randint(1, 300000), rnd.randint(1, 5874898)])
    s = "%04d-%02d-%02d" % (y, rnd.randint(0, 13), rnd.randint(0, 32))
    if rnd.random() < 0.7:
        s += rnd.choice([" ", "T"]) + "%02d:%02d:%02d" % (
            rnd.randint(0, 25), rnd.randint(0, 60), rnd.randint(0, 61))
        if rnd.random() < 0.5:
            s += "." + "".join(rnd.choice("0123456789") for _ in range(rnd.randint(1, 9)))
        if rnd.random() < 0.5:
            s += rnd.choice(["Z", "+00", "-05", "+05:30", "+14", "-12:00",
                             " UTC", " Asia/Kolkata", " PST", "+16", "+99"])
    if rnd.random() < 0.2:
        s += " BC"
    if rnd.random() < 0.1:
        s = mutate(s)
    dates.append(s)
add("datetime", dates)

# -------------------------------------------------------------------- uuid
u = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
h = u.replace("-", "")
uuids = [u, u.upper(), "{" + u + "}", h, "{" + h + "}", "{" + u,
         u + "}", "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11",
         "a0eebc999c0b4ef8bb6d6bb9bd380a1", h + "1", " " + u, u + " ",
         "a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g",
         "a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11", "-a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
         "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-", "a-0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
         "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}}", "", "{}", "0" * 32]
for _ in range(150):
    uuids.append(mutate(rnd.choice([u, h, "{" + u + "}"]), rnd.randint(1, 2)))
add("uuid", uuids)

# ------------------------------------------------------------------- bytea
byteas = ["\\x", "\\xDEADbeef", "\\x 01 02", "\\x01\n02\t03\r", "\\x0 1",
          "\\x0", "\\x012", "\\xzz", "\\x0g", "\\x0é", "\\X01", "abc",
          "a\\\\b", "\\001", "\\400", "\\377", "\\1", "\\12", "\\128",
          "\\", "abc\\", "\\\\", "\\x" + " " * 5, "\\x  ", "é\\001",
          "\\\\x01", "x01", "\\x-1"]
for _ in range(150):
    byteas.append(mutate(rnd.choice(["\\x0102ab", "a\\001b", "\\\\x"]), rnd.randint(1, 2)))
add("bytea", byteas)

# -------------------------------------------------------------------- json
jsons = ['{"a":1}', ' { "a" : [1, 2.5, "x", null, true, false] } ', '[]', '{}',
         '1', '-0', '1.5e3', '"str"', 'null', 'true', 'false', '"\\u00e9\\n"',
         '"\\ud83d\\ude00"', '"\\ud83d"', '"\\u0000"', '{"a":1,"a":2}',
         '[' * 64 + ']' * 64, '[' * 65 + ']' * 65, '1e1000000', '1e-20000',
         '1e131071', '1e131072', '{"n":1e-16383}', '{"n":1e-16384}',
         '[1,]', '{"a" 1}', "{'a':1}", '01', '1.', '.5', '+1', 'NaN',
         'Infinity', '"tab\tinside"', '"\\x"', '{"a":"\\/"}', ' ', '',
         '[1] [2]', '{"é":"ü"}', '{"long":"' + "x" * 1000 + '"}',
         '123456789012345678901234567890.123456789', '-1e-5', '1E+2']
for _ in range(200):
    jsons.append(mutate(rnd.choice(['{"a":[1,2,{"b":null}]}', '[1,"x",true]', '{"k":1.5e3}']),
                        rnd.randint(1, 2)))
add("json", jsons)

# ------------------------------------------------------------------ arrays
arrays = ["{}", "{ }", " {} ", "{1,2,3}", "{ 1 , 2 }", '{"1"}', "{NULL}",
          "{null}", '{"NULL"}', "{\\N}", "{N\\ULL}", "{NULL ,1}", "{1,,2}",
          "{1,}", "{,1}", "{,}", "{{1,2}}", "{{1},{2}}", "[1:2]={1,2}",
          "[0:1]={1,2}", "{a b}", '{"a" b}', '{a"b"}', '{"a\\"b"}', "{1}x",
          " {1} ", "{1.5}", "{1.005,2}", "{t,f}", "{true, FALSE ,yes}",
          '{"",""}', "{\\ }", "{a\\}", "{a\\,b}", "{a,b\\}", '{"a,b","c}d"}',
          "{é,日本}", "{abc,abcd}", "{abc ,ab   }", '{"ab  "}', "{1e3,-0}",
          "{NaN,Infinity,-inf}", "{32767,32768}", "{2147483648}", "{1,2",
          "{", "}", "", "1,2", "{1}{2}", "{1 2}", "{ \"x\" }", '{"x"  ,  "y"}',
          '{ "a"', '{"a}', "{\\\\}", '{"\\\\"}', "{1,NULL,3}", "{nUlL}",
          "{NULLx}", "{ NULL }", "{0.1,0.2}", "{99999.995}", "{1e400}"]
for _ in range(250):
    arrays.append(mutate(rnd.choice(["{1,2,3}", '{"a","b c",NULL}', "{t,f}", "{1.5,-2}"]),
                         rnd.randint(1, 2)))
add("array", arrays)

# ------------------------------------------------ random printable garbage
for _ in range(500):
    alphabet = rnd.choice(["0123456789+-.eE ", "tfyesnoTFYESNO01 ", "0123456789abcdefx-{} \\",
                           "0123456789-:/ TZjanJAN.", "{},\"\\ NUL1a"])
    add("garbage", ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 10)))])


def copy_escape(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


# --encoding NAME: only inputs that encoding can represent (for a
# database in that encoding)
encoding = sys.argv[sys.argv.index("--encoding") + 1] if "--encoding" in sys.argv else None
seen = set()
w = sys.stdout
for fam, v in out:
    if (fam, v) in seen:
        continue
    if encoding:
        try:
            v.encode(encoding)
        except UnicodeEncodeError:
            continue
    seen.add((fam, v))
    w.write(fam + "\t" + copy_escape(v) + "\n")
