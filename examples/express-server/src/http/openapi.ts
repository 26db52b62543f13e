import { initContract } from "@ts-rest/core";
import { generateOpenApi } from "@ts-rest/open-api";
import { callbackContract, runsContract } from "@validibot/contracts";

const c = initContract();

const CREATE_RUN_NOTE =
  "Fields `validator` (the validator id) and `inputs` (JSON text) come first, then one file part per port key " +
  "(see GET /api/v1/validators for each validator's ports). Files are streamed to storage as they arrive.";

/**
 * The OpenAPI 3 document of the runs API and the callback endpoint, generated from their ts-rest
 * contracts by `@ts-rest/open-api`; `serverUrl` is the public URL it is served at.
 */
export function openApiDocument(serverUrl: string): object {
  return generateOpenApi(
    c.router({ runs: runsContract, callbacks: callbackContract }),
    {
      info: {
        title: "Validibot reference server",
        version: "0.1.0",
        description:
          "Submit files to validators, follow runs, read findings, metrics and artifacts. Every error is `{ code, message }`.",
      },
      servers: [{ url: serverUrl }],
    },
    {
      setOperationId: true,
      operationMapper: (operation, route) =>
        route === runsContract.createRun
          ? { ...operation, description: CREATE_RUN_NOTE }
          : operation,
    },
  );
}
