import { describe, expect, it } from "vitest";
import { jinjaToJson, pyJsonLoads } from "./json";
import { pyFloat, pyFloatRepr, pyIntFromStr, pyRound } from "./number";
import { pyIsDigit, pySlice, pyStrip } from "./str";

describe("Python str semantics", () => {
  it("slices by code point, not UTF-16 unit", () => {
    const s = "a😀b😀c";
    expect(pySlice(s, -2)).toBe("😀c");
    expect(s.slice(-2)).not.toBe("😀c");
    expect(pySlice("abc", -300)).toBe("abc");
    expect(pySlice("abcdef", 1, -1)).toBe("bcde");
  });
  it("strips Python whitespace (U+001C..U+001F, U+0085) but not U+FEFF", () => {
    expect(pyStrip("\x1c\x85 x \u3000")).toBe("x");
    expect(pyStrip("\ufeffx")).toBe("\ufeffx");
  });
  it("isdigit accepts superscripts and other-script digits", () => {
    expect(pyIsDigit("²3")).toBe(true);
    expect(pyIsDigit("١٢")).toBe(true);
    expect(pyIsDigit("")).toBe(false);
    expect(pyIsDigit("1.0")).toBe(false);
  });
});

describe("Python numbers", () => {
  it("float() accepts what Python accepts", () => {
    expect(pyFloat(" 1_000 ")).toBe(1000);
    expect(pyFloat("١٢")).toBe(12);
    expect(pyFloat("-Infinity")).toBe(-Infinity);
    expect(Number.isNaN(pyFloat("nan"))).toBe(true);
    expect(pyFloat(".5")).toBe(0.5);
    expect(pyFloat("\u20021\u3000")).toBe(1);
    for (const bad of ["1_", "_1", "1e", "0x10", "1__0", "", "\ufeff1"]) expect(() => pyFloat(bad), bad).toThrow(/ValueError/);
  });
  it("int(), round() and repr() behave like Python", () => {
    expect(pyIntFromStr("007")).toBe(7n);
    expect(() => pyIntFromStr("1.0")).toThrow(/ValueError/);
    expect([0.5, 1.5, 2.5, -0.5, -2.5].map((x) => pyRound(x))).toEqual([0n, 2n, 2n, 0n, -2n]);
    expect([1e16, 1e-5, 0.1, 1.2345678901234568e17, 5.0, -0.0].map(pyFloatRepr)).toEqual([
      "1e+16", "1e-05", "0.1", "1.2345678901234568e+17", "5.0", "-0.0",
    ]);
  });
});

describe("Python json", () => {
  it("loads NaN/Infinity and rejects raw control characters, trailing commas and single quotes", () => {
    expect(pyJsonLoads('{"a": NaN, "b": -Infinity}')).toEqual({ a: NaN, b: -Infinity });
    expect(() => pyJsonLoads('{"a": "x\ty"}')).toThrow(/Invalid control character/);
    expect(() => pyJsonLoads('{"a": 1,}')).toThrow(/JSONDecodeError/);
    expect(() => pyJsonLoads("{'a': 1}")).toThrow(/JSONDecodeError/);
    expect(() => pyJsonLoads('{"a": 1} x')).toThrow(/Extra data/);
  });
  it("raises ValueError (not JSONDecodeError) for integers over 4300 digits", () => {
    expect(() => pyJsonLoads(`{"a": ${"1".repeat(4301)}}`)).toThrow(/^ValueError/);
    expect(pyJsonLoads(`{"a": ${"1".repeat(4300)}}`)).toBeTruthy();
  });
  it("a __proto__ key is data, not a prototype", () => {
    const v = pyJsonLoads('{"__proto__": {"name": "x"}}') as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(["__proto__"]);
  });
  it("tojson sorts keys by code point and escapes like jinja2", () => {
    expect(jinjaToJson({ b: 1, a: "<é>", "😀": 0, "\uffff": 0 })).toBe('{"a": "\\u003c\\u00e9\\u003e", "b": 1, "\\uffff": 0, "\\ud83d\\ude00": 0}');
    expect(jinjaToJson([1e21, 2.5, 3])).toBe("[1e+21, 2.5, 3]");
  });
});
