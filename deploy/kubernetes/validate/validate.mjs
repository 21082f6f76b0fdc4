// Reads rendered manifests (kubectl kustomize output) on stdin; exits 1 listing every problem.
//  1. kubernetes-models / @kubernetes-models/keda: each object against its API's OpenAPI schema
//     (types, enums, required fields); an apiVersion/kind without a schema is an error.
//  2. @kubernetes/client-node's generated models: every field must be one the API defines, as
//     `kubectl apply --validate=strict` does (the OpenAPI schemas allow unknown fields).
import * as yaml from "js-yaml";
// The generated models only: the package's main entry also loads its HTTP client.
import * as k8s from "./node_modules/@kubernetes/client-node/dist/gen/models/ObjectSerializer.js";

const STRICT_SKIP = new Set(["keda.sh/v1alpha1"]); // no generated model; schema check only

function modelPath(apiVersion, kind) {
  if (apiVersion.startsWith("keda.sh/")) {
    return `@kubernetes-models/keda/${apiVersion}/${kind}`;
  }
  return `kubernetes-models/${apiVersion}/${kind}`;
}

function typeName(apiVersion, kind) {
  const version = apiVersion.split("/").pop();
  return version.charAt(0).toUpperCase() + version.slice(1) + kind;
}

const PRIMITIVES = new Set(["string", "number", "boolean", "Date", "any", "object", "IntOrString"]);

function strict(type, value, path, problems) {
  if (value === null || value === undefined || PRIMITIVES.has(type)) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((v, i) => strict(array[1], v, `${path}[${i}]`, problems));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value === "object") for (const [k, v] of Object.entries(value)) strict(map[1], v, `${path}.${k}`, problems);
    return;
  }
  const model = k8s[type];
  if (!model || !model.attributeTypeMap || typeof value !== "object") return;
  const fields = new Map(model.attributeTypeMap.map((a) => [a.baseName, a.type]));
  for (const [k, v] of Object.entries(value)) {
    if (!fields.has(k)) {
      problems.push(`${path}.${k}: unknown field (${type} has: ${[...fields.keys()].join(", ")})`);
    } else {
      strict(fields.get(k), v, `${path}.${k}`, problems);
    }
  }
}

const input = await new Promise((resolve) => {
  let s = "";
  process.stdin.on("data", (d) => (s += d));
  process.stdin.on("end", () => resolve(s));
});
const docs = yaml.loadAll(input).filter((d) => d);
const problems = [];
for (const obj of docs) {
  const id = `${obj.kind}/${obj.metadata?.name}`;
  let Model;
  try {
    ({ [obj.kind]: Model } = await import(modelPath(obj.apiVersion, obj.kind)));
  } catch (e) {
    problems.push(`${id}: no schema for apiVersion ${obj.apiVersion} kind ${obj.kind}`);
    continue;
  }
  try {
    new Model(obj).validate();
  } catch (e) {
    problems.push(`${id}: ${e.message}`);
  }
  if (!STRICT_SKIP.has(obj.apiVersion)) {
    const local = [];
    strict(typeName(obj.apiVersion, obj.kind), obj, "", local);
    local.forEach((p) => problems.push(`${id}: ${p}`));
  }
}
if (problems.length) {
  console.log(problems.join("\n"));
  process.exit(1);
}
console.log(`${docs.length} objects valid: ${docs.map((d) => d.kind + "/" + d.metadata?.name).join(", ")}`);
