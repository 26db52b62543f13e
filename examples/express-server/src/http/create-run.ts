import { CreateRunForm, isValidibotError, ValidibotError } from "@validibot/contracts";
import type { ValidationService } from "@validibot/sdk";
import type { Request, Response } from "express";
import { accessOf } from "../security/authenticate";
import { invalidRequest } from "./errors";
import { readRunUpload } from "./run-upload";
import type { UploadSlots } from "./upload-slots";

function parseInputs(text: string | undefined): unknown {
  if (text === undefined || text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidibotError(
      "invalid_json",
      `field inputs is not valid JSON: ${(error as Error).message}`,
    );
  }
}

/**
 * `POST /api/v1/validation-runs`: a multipart form (`validator`, `inputs` JSON, one file part per
 * port key) streamed into `service.submit` as it is read. Answers 201 with the run; every
 * refusal is the contract's error body (`validator_unknown`, `invalid_json`, `inputs_invalid`,
 * `file_missing`, `file_unexpected`, `file_type_unsupported`, `payload_too_large`, ...). With
 * `slots`, an upload past the ceiling is refused at once with 503 `too_many_uploads` and
 * `Retry-After` (its body read and thrown away, the connection closed).
 */
export function createRunHandler(service: ValidationService, slots?: UploadSlots) {
  return async (req: Request, res: Response): Promise<void> => {
    if (!req.is("multipart/form-data")) {
      throw new ValidibotError(
        "invalid_request",
        "send the run as multipart/form-data (fields validator and inputs, then one file per port)",
      );
    }
    let release: () => void = () => {};
    try {
      release = slots?.take() ?? release;
    } catch (error) {
      res.set("connection", "close");
      req.resume();
      throw error;
    }
    res.once("close", release);
    const upload = await readRunUpload(req);
    try {
      const form = CreateRunForm.safeParse(upload.fields);
      if (!form.success) throw invalidRequest("form", form.error);
      const inputs = parseInputs(form.data.inputs);
      const run = await service.submit({
        validatorId: form.data.validator,
        inputs,
        files: upload.files,
        org: accessOf(res).principal.org,
      });
      res.locals.run_id = run.id;
      const view = await service.getRunView(run.id);
      res
        .status(201)
        .location(`/api/v1/validation-runs/${encodeURIComponent(run.id)}`)
        .json(view);
    } catch (error) {
      upload.discard(res);
      if (isValidibotError(error) && error.code === "storage_size_exceeded") {
        throw new ValidibotError("payload_too_large", error.message, {
          cause: error,
          ...(error.details ? { details: error.details } : {}),
        });
      }
      throw error;
    }
  };
}
