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
  const runRoutes = new Set(Object.values(runsContract).map((r) => `${r.method} ${r.path}`));
  const document = generateOpenApi(
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
      operationMapper: (operation, route) => ({
        ...operation,
        ...(route === runsContract.createRun ? { description: CREATE_RUN_NOTE } : {}),
        // Every runs API route needs an API token; the callback endpoint has its own scheme.
        ...(runRoutes.has(`${route.method} ${route.path}`)
          ? { security: [{ bearerAuth: [] }] }
          : {}),
      }),
    },
  ) as Record<string, unknown>;
  const components = (document.components ?? {}) as Record<string, unknown>;
  document.components = {
    ...components,
    securitySchemes: {
      bearerAuth: { type: "http", scheme: "bearer", description: "An API token (vbt_...)" },
    },
  };
  return document;
}
