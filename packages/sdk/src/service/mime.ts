const BY_EXTENSION: Record<string, string> = {
  ".idf": "application/vnd.energyplus.idf",
  ".imf": "application/vnd.energyplus.idf",
  ".epjson": "application/vnd.energyplus.epjson",
  ".epw": "application/vnd.energyplus.epw",
  ".fmu": "application/vnd.fmi.fmu",
  ".xml": "application/xml",
  ".json": "application/json",
  ".jsonld": "application/ld+json",
  ".ttl": "text/turtle",
  ".rdf": "application/rdf+xml",
  ".nt": "application/n-triples",
  ".nq": "application/n-quads",
  ".xls": "application/vnd.ms-excel",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  ".zip": "application/zip",
  ".pdf": "application/pdf",
  ".step": "model/step",
  ".stp": "model/step",
  ".p21": "application/p21",
};

/** The contract MIME type of a file name's extension, or undefined when unknown. */
export function mimeTypeForName(name: string): string | undefined {
  const dot = name.lastIndexOf(".");
  if (dot < 0) return undefined;
  return BY_EXTENSION[name.slice(dot).toLowerCase()];
}
