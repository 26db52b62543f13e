// The whole main() of an EnergyPlus validator container: read the input envelope (from
// VALIDIBOT_INPUT_URI or the first argument), verify and stage the files, run the validator,
// upload the outputs, write output.json, post the callback, and exit with the attempt's code.
// Node 24 runs this file as is: node main.ts
import { runValidator } from "@validibot/validator-runtime";
import energyplusValidator from "@validibot/validator-runtime/energyplus";

process.exitCode = await runValidator(energyplusValidator);
