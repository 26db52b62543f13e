import { describe, expect, it } from "vitest";
import { callbacksEnabled, ExecutionContext } from "../../src/index";
import { DELETE, edit, inputEnvelope, type Json } from "../corpus/builders";

// Rule 3: with callbacks enabled (callback_url set, skip_callback false), callback_id and the
// nonce pair are required. The http(s)-only callback_url belongs here too.
type Field = Json | typeof DELETE;
const URL_ = "https://host.example.com/api/v1/validation-callbacks/";

const TABLE: [
  label: string,
  fields: { url: Field; skip: Field; id: Field; pair: boolean },
  accepted: boolean,
  issuePath?: string,
][] = [
  ["enabled, with id and pair", { url: URL_, skip: false, id: "cb-1", pair: true }, true],
  [
    "enabled (skip absent), with id and pair",
    { url: URL_, skip: DELETE, id: "cb-1", pair: true },
    true,
  ],
  [
    "enabled, without callback_id",
    { url: URL_, skip: false, id: DELETE, pair: true },
    false,
    "callback_id",
  ],
  [
    "enabled, callback_id null",
    { url: URL_, skip: false, id: null, pair: true },
    false,
    "callback_id",
  ],
  [
    "enabled, callback_id empty",
    { url: URL_, skip: false, id: "", pair: true },
    false,
    "callback_id",
  ],
  [
    "enabled, without the nonce pair",
    { url: URL_, skip: false, id: "cb-1", pair: false },
    false,
    "callback_nonce",
  ],
  [
    "enabled (skip absent), without the pair",
    { url: URL_, skip: DELETE, id: "cb-1", pair: false },
    false,
    "callback_nonce",
  ],
  [
    "skip_callback true, without id or pair",
    { url: URL_, skip: true, id: DELETE, pair: false },
    true,
  ],
  [
    "callback_url null, without id or pair",
    { url: null, skip: false, id: DELETE, pair: false },
    true,
  ],
  [
    "callback_url absent, without id or pair",
    { url: DELETE, skip: false, id: DELETE, pair: false },
    true,
  ],
  [
    "callback_url null and skip_callback true",
    { url: null, skip: true, id: null, pair: false },
    true,
  ],
];

function contextWith(fields: { url: Field; skip: Field; id: Field; pair: boolean }) {
  let doc = edit(inputEnvelope(), ["context", "callback_url"], fields.url);
  doc = edit(doc, ["context", "skip_callback"], fields.skip);
  doc = edit(doc, ["context", "callback_id"], fields.id);
  if (!fields.pair) {
    doc = edit(doc, ["context", "callback_nonce"], DELETE);
    doc = edit(doc, ["context", "callback_nonce_commitment"], DELETE);
  }
  return doc.context;
}

describe("rule 3: callbacks enabled", () => {
  it.each(TABLE)("%s: accepted %s", (_label, fields, accepted, issuePath) => {
    const result = ExecutionContext.safeParse(contextWith(fields));
    expect(result.success).toBe(accepted);
    if (issuePath) expect(result.error?.issues.map((i) => i.path)).toContainEqual([issuePath]);
  });

  it.each([
    [URL_, false, true],
    [URL_, true, false],
    [null, false, false],
    [null, true, false],
  ] as const)("callbacksEnabled(url %s, skip %s) is %s", (url, skip, enabled) => {
    expect(callbacksEnabled({ callback_url: url, skip_callback: skip })).toBe(enabled);
  });

  const URLS: [string, boolean, string?][] = [
    ["http://127.0.0.1:8001", true, "http://127.0.0.1:8001/"],
    ["https://host.example.com/cb?x=1#f", true, "https://host.example.com/cb?x=1#f"],
    ["HTTP://LocalHost:80/cb", true, "http://localhost/cb"],
    ["https://h.example:443/", true, "https://h.example/"],
    ["http://[::1]:8000/", true, "http://[::1]:8000/"],
    ["ftp://host.example.com/", false],
    ["file:///tmp/callback", false],
    ["ws://host.example.com/", false],
    ["javascript:alert(1)", false],
    ["//host.example.com/cb", false],
    ["/api/v1/validation-callbacks/", false],
    ["http://", false],
    ["http:host.example.com", false],
    [" http://host.example.com/", false],
    ["http://host.example.com/a b", false],
  ];

  it.each(URLS)("callback_url %j: accepted %s, normalized to %j", (url, accepted, normalized) => {
    const result = ExecutionContext.safeParse(
      edit(inputEnvelope(), ["context", "callback_url"], url).context,
    );
    expect(result.success).toBe(accepted);
    if (result.success) expect(result.data.callback_url).toBe(normalized);
    else expect(result.error.issues[0]?.path).toEqual(["callback_url"]);
  });
});
