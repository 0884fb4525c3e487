import { describe, expect, it } from "vitest";
import { chooseEditorBackend } from "./editor-sandbox";

const statuses = (local: boolean, docker: boolean) => [
  { backend: "local" as const, available: local },
  { backend: "docker" as const, available: docker },
];

describe("chooseEditorBackend", () => {
  it("takes the backend asked for when it can run code", () => {
    expect(chooseEditorBackend("docker", statuses(true, true))).toBe("docker");
    expect(chooseEditorBackend("local", statuses(true, true))).toBe("local");
  });
  it("else the first that can (local first), else local", () => {
    expect(chooseEditorBackend("docker", statuses(true, false))).toBe("local");
    expect(chooseEditorBackend("local", statuses(false, true))).toBe("docker");
    expect(chooseEditorBackend("nonsense", statuses(false, true))).toBe("docker");
    expect(chooseEditorBackend(undefined, statuses(false, false))).toBe("local");
  });
});
