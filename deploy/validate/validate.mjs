// Validates Kubernetes manifests (a multi-document YAML stream on stdin) against the Kubernetes
// API schema as published in kubernetes-models, two ways:
//  1. the JSON-schema validators it compiles from the API's OpenAPI spec (types, required fields,
//     enums, formats);
//  2. TypeScript's excess-property check against its interfaces, which the JSON schema lacks:
//     a misspelt field (readOnlyRootFilesytem) fails, as `kubectl apply --validate=strict` would.
// Exits 1 naming every object that fails. DeployIT runs it on `kubectl kustomize` output.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const failures = [];
const typed = [];
let checked = 0;
for (const doc of parseAllDocuments(readFileSync(0, "utf8"))) {
  if (doc.errors.length > 0) {
    failures.push(`YAML: ${doc.errors[0].message}`);
    continue;
  }
  const obj = doc.toJS();
  if (!obj) continue;
  const name = `${obj.kind}/${obj.metadata?.name}`;
  // The API server's base64 decoder skips line breaks; kustomize wraps long Secret data.
  if (obj.kind === "Secret" && obj.data) {
    for (const k of Object.keys(obj.data)) obj.data[k] = String(obj.data[k]).replace(/\s/g, "");
  }
  const slash = obj.apiVersion.indexOf("/");
  const module =
    slash < 0
      ? `kubernetes-models/${obj.apiVersion}/${obj.kind}`
      : `kubernetes-models/${obj.apiVersion.slice(0, slash)}/${obj.apiVersion.slice(slash + 1)}/${obj.kind}`;
  let Model;
  try {
    Model = (await import(module))[obj.kind];
  } catch (e) {
    failures.push(`${name}: unknown apiVersion/kind ${obj.apiVersion} ${obj.kind}`);
    continue;
  }
  try {
    new Model(obj).validate();
    checked++;
    typed.push({ name, module, kind: obj.kind, obj });
  } catch (e) {
    failures.push(`${name}: ${e.message}`);
  }
}

// House rules for every pod we ship: non-root, read-only root, no privilege escalation, no
// capabilities, memory requests and limits; a long-running git-sync has HTTP probes.
for (const t of typed) {
  const pod = t.obj.spec?.template?.spec;
  if (!pod) continue;
  const rule = (ok, what) => ok || failures.push(`policy: ${t.name}: ${what}`);
  rule(pod.securityContext?.runAsNonRoot === true, "pod securityContext.runAsNonRoot is not true");
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const sc = c.securityContext ?? {};
    rule(sc.readOnlyRootFilesystem === true, `${c.name}: readOnlyRootFilesystem is not true`);
    rule(sc.allowPrivilegeEscalation === false, `${c.name}: allowPrivilegeEscalation is not false`);
    rule((sc.capabilities?.drop ?? []).includes("ALL"), `${c.name}: capabilities are not all dropped`);
    rule(c.resources?.requests?.memory && c.resources?.limits?.memory,
      `${c.name}: memory request or limit missing`);
    const oneTime = (c.args ?? []).includes("--one-time");
    if (c.name === "git-sync" && !oneTime) {
      rule(c.livenessProbe?.httpGet && c.readinessProbe?.httpGet,
        `${c.name}: a long-running git-sync needs HTTP liveness and readiness probes`);
    }
  }
}

if (typed.length > 0) {
  const dir = mkdtempSync(join(here, ".check-"));
  try {
    let ts = "";
    typed.forEach((t, i) => {
      ts += `import type { I${t.kind} as T${i} } from "${t.module}";\n`;
    });
    typed.forEach((t, i) => {
      ts += `// ${t.name}\nexport const o${i}: T${i} = ${JSON.stringify(t.obj, null, 2)};\n`;
    });
    writeFileSync(join(dir, "check.ts"), ts);
    try {
      execFileSync(
        process.execPath,
        [join(here, "node_modules/typescript/bin/tsc"), "--noEmit", "--strict", "--skipLibCheck",
          "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022",
          join(dir, "check.ts")],
        { cwd: here, encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      for (const line of String(e.stdout).split("\n").filter((l) => l.includes("error TS"))) {
        failures.push(`schema (TypeScript): ${line.replace(/^.*check\.ts/, "check.ts")}`);
      }
      checked -= typed.length;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
for (const f of failures) console.error(f);
console.log(`${Math.max(checked, 0)} objects valid, ${failures.length} problems`);
process.exit(failures.length === 0 && checked > 0 ? 0 : 1);
