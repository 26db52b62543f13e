// The whole main() of an FMU validator container: read the input envelope (from
// VALIDIBOT_INPUT_URI or the first argument), verify and stage the FMU, check and co-simulate
// it, upload the outputs (timeseries.csv), write output.json, post the callback, and exit
// with the attempt's code. Node 24 runs this file as is: node main.ts
import { runValidator } from "@validibot/validator-runtime";
import fmuValidator from "@validibot/validator-runtime/fmu";

process.exitCode = await runValidator(fmuValidator);
