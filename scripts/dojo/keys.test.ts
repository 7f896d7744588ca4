import { describe, expect, it } from "vitest";
import { KeyController } from "./keys.ts";

const press = (controller: KeyController, name: string, green = false) =>
  controller.handle({ name, sequence: name.length === 1 ? name : undefined }, { green });

describe("KeyController", () => {
  it("maps the dojo's keys to commands", () => {
    const keys = new KeyController();
    expect(keys.handle({ name: "return", sequence: "\r" }, { green: false })).toBe("confirm");
    expect(keys.handle({ name: "space", sequence: " " }, { green: false })).toBe("toggle-pause");
    expect(press(keys, "n")).toBe("rotate");
    expect(press(keys, "s")).toBe("skip");
    expect(press(keys, "h")).toBe("hint");
    expect(keys.handle({ sequence: "+" }, { green: false })).toBe("longer");
    expect(keys.handle({ sequence: "=" }, { green: false })).toBe("longer");
    expect(keys.handle({ name: "-", sequence: "-" }, { green: false })).toBe("shorter");
    expect(keys.handle({ name: "escape", sequence: "\x1b" }, { green: false })).toBe("dismiss");
    expect(press(keys, "x")).toBeUndefined();
  });

  it("asks before ending the dojo; y ends it, any other key cancels", () => {
    const keys = new KeyController();
    expect(press(keys, "q")).toBeUndefined();
    expect(keys.prompt).toBe("End the dojo and write the retro? [y/N]");
    expect(press(keys, "n"), "n answers the question, it does not rotate").toBeUndefined();
    expect(keys.prompt).toBeUndefined();
    press(keys, "q");
    expect(press(keys, "y")).toBe("end");
  });

  it("shows the reference at once when green, and asks first when not", () => {
    const keys = new KeyController();
    expect(press(keys, "r", true)).toBe("reference");
    expect(press(keys, "r", false)).toBeUndefined();
    expect(keys.prompt).toMatch(/Not green yet/);
    expect(press(keys, "y")).toBe("reference");
  });

  it("ends at once on Ctrl-C, even during a question", () => {
    const keys = new KeyController();
    press(keys, "r");
    expect(keys.handle({ name: "c", ctrl: true }, { green: false })).toBe("end");
    expect(keys.prompt).toBeUndefined();
  });
});
