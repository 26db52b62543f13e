import { agreementCorpus } from "../test/corpus/agreement-cases";
import { verdicts } from "../test/corpus/documents";

const c = agreementCorpus();
console.log(c.length, c.filter((x) => x.valid).length);
// sanity: flip
let bad = 0;
for (const x of c) {
  const v = verdicts(x.document, x.value);
  if (v.zod !== x.valid) bad++;
}
console.log("mismatch", bad);
