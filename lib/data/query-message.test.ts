import { describe, expect, it } from "vitest";
import { compileSearch } from "./query";

describe("a bad regular expression", () => {
  it("is named once in the message, with the engine's reason", () => {
    const { regex, error } = compileSearch({ q: "(unclosed", re: true, cs: false });
    expect(regex).toBeNull();
    expect(error?.match(/Invalid regular expression/g)).toHaveLength(1);
    expect(error).toContain("Unterminated group");
  });
});
