/**
 * deploy/kubernetes/*.yaml against the Kubernetes OpenAPI schemas (the
 * kubernetes-models package's validators), with unknown fields refused too,
 * which those validators alone let through; then against tcpecho itself: the
 * probes ask the paths and the port its --metrics serves, the grace period
 * outlasts the shutdown delay and the drain, the Service reaches the echo port, and tcpecho serve
 * accepts the Deployment's arguments and answers both probes. Each check
 * also rejects a deliberately broken copy.
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { Service } from "kubernetes-models/v1/Service";
import { parseDuration } from "tcpecho";
import { parseAllDocuments } from "yaml";
import { needsSignals, STOPPED, startCliServer, stopCli } from "./helpers.js";

const DIR = fileURLToPath(new URL("../../deploy/kubernetes/", import.meta.url));

/** The validators by `apiVersion kind`; anything else in the directory is a failure. */
const MODELS: Record<string, { prototype: { validate(): void } }> = {
  "apps/v1 Deployment": Deployment,
  "v1 Service": Service,
  "policy/v1 PodDisruptionBudget": PodDisruptionBudget,
};

// Loose views of the objects, for the cross-checks (the schemas check the shapes).
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every object of every YAML file of deploy/kubernetes/, with the file it came from. */
function shipped(): { file: string; object: Obj }[] {
  const out: { file: string; object: Obj }[] = [];
  for (const file of readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f))) {
    for (const doc of parseAllDocuments(readFileSync(DIR + file, "utf8"))) {
      assert.deepEqual(doc.errors, [], `${file} is not valid YAML`);
      out.push({ file, object: doc.toJS() as Obj });
    }
  }
  return out;
}

/**
 * What the schema refuses, plus every field the schema does not know. The
 * generated validators read each field they know by name and enumerate only
 * maps (labels, resources); so the object is validated through proxies that
 * record what was read, and a field nobody read, in an object that was not
 * enumerated, is unknown.
 */
function schemaProblems(object: Obj): string[] {
  const model = MODELS[`${object.apiVersion} ${object.kind}`];
  if (model === undefined) return [`${object.apiVersion} ${object.kind}: not a kind this test knows`];
  const nodes: { path: string; target: object; read: Set<string>; enumerated: boolean }[] = [];
  const track = (value: unknown, path: string): unknown => {
    if (value === null || typeof value !== "object") return value;
    const node = { path, target: value, read: new Set<string>(), enumerated: false };
    nodes.push(node);
    const children = new Map<string, unknown>();
    return new Proxy(value, {
      get(target, key, receiver) {
        if (typeof key !== "string" || !Object.hasOwn(target, key)) return Reflect.get(target, key, receiver);
        node.read.add(key);
        if (!children.has(key)) children.set(key, track((target as Obj)[key], `${path}.${key}`));
        return children.get(key);
      },
      ownKeys(target) {
        node.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
  };
  try {
    model.prototype.validate.call(track(object, object.kind as string));
  } catch (e) {
    return [(e as Error).message];
  }
  const unknown: string[] = [];
  for (const n of nodes) {
    if (Array.isArray(n.target) || n.enumerated) continue;
    for (const key of Object.keys(n.target))
      if (!n.read.has(key)) unknown.push(`${n.path}.${key}: unknown field`);
  }
  return unknown;
}

/** The value after `flag` in a container's args. */
function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Where the manifests disagree with tcpecho or with each other. */
function consistencyProblems(objects: Obj[]): string[] {
  const problems: string[] = [];
  const deployment = objects.find((o) => o.kind === "Deployment");
  const service = objects.find((o) => o.kind === "Service");
  if (!deployment || !service) return ["a Deployment and a Service are both needed"];
  const pod = deployment.spec.template.spec as Obj;
  const c = (pod.containers as Obj[]).find((x) => (x.args as string[] | undefined)?.[0] === "serve");
  if (!c) return ["no container runs tcpecho serve"];
  const args = c.args as string[];
  const echoPort = Number(flag(args, "--port") ?? 9000);
  const metrics = flag(args, "--metrics");
  const metricsPort = Number(metrics?.split(":").pop());
  const ports = (c.ports ?? []) as Obj[];
  // A port by number or by name, if the container declares it.
  const portOf = (p: unknown): number | undefined =>
    ports.find((x) => x.containerPort === p || x.name === p)?.containerPort as number | undefined;

  if (!ports.some((p) => p.containerPort === echoPort))
    problems.push(`no container port ${echoPort} (--port)`);
  if (metrics === undefined) problems.push("no --metrics, which the probes need");
  for (const [probe, path] of [
    ["readinessProbe", "/readyz"],
    ["livenessProbe", "/healthz"],
  ] as const) {
    const get = c[probe]?.httpGet as Obj | undefined;
    if (get?.path !== path) problems.push(`${probe} asks ${get?.path}, not ${path}`);
    if (portOf(get?.port) !== metricsPort)
      problems.push(`${probe} asks port ${get?.port}, not the --metrics port ${metricsPort}`);
  }
  const drain = parseDuration(flag(args, "--drain-timeout") ?? "10s") / 1000;
  const delay = parseDuration(flag(args, "--shutdown-delay") ?? "0") / 1000;
  const preStop = Number(c.lifecycle?.preStop?.sleep?.seconds ?? 0);
  // tcpecho gives a client that will not take its last echo one more second after the drain.
  const needed = preStop + delay + drain + 1;
  const grace = Number(pod.terminationGracePeriodSeconds ?? 30);
  if (!(grace > needed)) problems.push(`terminationGracePeriodSeconds ${grace} is not above ${needed} s`);
  for (const r of ["cpu", "memory"]) {
    if (c.resources?.requests?.[r] === undefined) problems.push(`no ${r} request`);
    if (c.resources?.limits?.[r] === undefined) problems.push(`no ${r} limit`);
  }

  const labels = deployment.spec.template.metadata.labels as Obj;
  for (const [k, v] of Object.entries(service.spec.selector as Obj))
    if (labels[k] !== v) problems.push(`the Service selects ${k}=${v}, which the pods do not carry`);
  for (const p of service.spec.ports as Obj[])
    if (portOf(p.targetPort ?? p.port) === undefined)
      problems.push(`the Service's targetPort ${p.targetPort} is no port of the container`);
  if (!(service.spec.ports as Obj[]).some((p) => portOf(p.targetPort ?? p.port) === echoPort))
    problems.push(`the Service does not reach the echo port ${echoPort}`);
  return problems;
}

/** A copy of the shipped objects with one change made by `edit`. */
function broken(edit: (objects: Obj[]) => void): Obj[] {
  const objects = shipped().map((s) => structuredClone(s.object));
  edit(objects);
  return objects;
}
const containerOf = (objects: Obj[]) =>
  objects.find((o) => o.kind === "Deployment")!.spec.template.spec.containers[0] as Obj;

test("deploy/kubernetes: every object passes the Kubernetes schema, no unknown field", () => {
  const all = shipped();
  assert.deepEqual(all.map((s) => s.object.kind as string).sort(), [
    "Deployment",
    "PodDisruptionBudget",
    "Service",
  ]);
  for (const { file, object } of all) assert.deepEqual(schemaProblems(object), [], file);
});

test("deploy/kubernetes: broken copies fail the schema check", () => {
  const cases: [string, (o: Obj[]) => void, RegExp][] = [
    [
      "a misspelt field",
      (o) => (containerOf(o).readinesProbe = { httpGet: { path: "/readyz" } }),
      /readinesProbe: unknown/,
    ],
    [
      "an unknown field deep down",
      (o) => (containerOf(o).readinessProbe.httpGet.paht = "/readyz"),
      /httpGet\.paht: unknown/,
    ],
    ["an object for a quantity", (o) => (containerOf(o).resources.requests.cpu = { m: 100 }), /cpu/],
    [
      "a string for a number",
      (o) => (o.find((x) => x.kind === "Deployment")!.spec.replicas = "two"),
      /replicas/,
    ],
    ["no selector", (o) => delete o.find((x) => x.kind === "Deployment")!.spec.selector, /selector/],
    [
      "a bad protocol",
      (o) => (o.find((x) => x.kind === "Service")!.spec.ports[0].protocol = "TPC"),
      /protocol/,
    ],
  ];
  for (const [what, edit, expected] of cases) {
    const problems = broken(edit).flatMap(schemaProblems);
    assert.match(problems.join("\n"), expected, `${what} was not rejected`);
  }
});

test("deploy/kubernetes: probes, ports and the grace period agree with tcpecho's arguments", () => {
  assert.deepEqual(consistencyProblems(shipped().map((s) => s.object)), []);
  const cases: [string, (o: Obj[]) => void, RegExp][] = [
    [
      "a readiness path tcpecho does not serve",
      (o) => (containerOf(o).readinessProbe.httpGet.path = "/ready"),
      /readinessProbe asks \/ready,/,
    ],
    [
      "liveness on the echo port",
      (o) => (containerOf(o).livenessProbe.httpGet.port = "echo"),
      /livenessProbe asks port echo/,
    ],
    [
      "another --metrics port",
      (o) => (containerOf(o).args[containerOf(o).args.indexOf("--metrics") + 1] = "0.0.0.0:9200"),
      /--metrics port 9200/,
    ],
    [
      "a drain longer than the grace period",
      (o) => (containerOf(o).args[containerOf(o).args.indexOf("--drain-timeout") + 1] = "40s"),
      /terminationGracePeriodSeconds 30 is not above 46/,
    ],
    [
      "a shutdown delay that leaves the drain too little of the grace period",
      (o) => (containerOf(o).args[containerOf(o).args.indexOf("--shutdown-delay") + 1] = "10s"),
      /terminationGracePeriodSeconds 30 is not above 31/,
    ],
    [
      "a Service to a port the container lacks",
      (o) => (o.find((x) => x.kind === "Service")!.spec.ports[0].targetPort = 9001),
      /targetPort 9001/,
    ],
    [
      "a Service selecting other pods",
      (o) => (o.find((x) => x.kind === "Service")!.spec.selector = { app: "other" }),
      /selects app=other/,
    ],
    ["no memory limit", (o) => delete containerOf(o).resources.limits.memory, /no memory limit/],
  ];
  for (const [what, edit, expected] of cases) {
    assert.match(consistencyProblems(broken(edit)).join("\n"), expected, `${what} was not rejected`);
  }
});

test(
  "deploy/kubernetes: tcpecho serve takes the Deployment's arguments and answers both probes",
  { timeout: 20_000 },
  async (t) => {
    const skip = needsSignals("SIGTERM, the kubelet's first step, for not-ready");
    if (skip) return t.skip(skip);
    const c = containerOf(shipped().map((s) => s.object));
    const args = c.args as string[];
    assert.equal(args[0], "serve");
    // The same arguments on loopback and free ports (tests bind port 0 only):
    // startCliServer gives --host and --port itself.
    const rest: string[] = [];
    for (let i = 1; i < args.length; i++) {
      const a = args[i] as string;
      if (a === "--host" || a === "--port") {
        i++;
      } else if (a === "--metrics") {
        rest.push(a, "127.0.0.1:0");
        i++;
      } else {
        rest.push(a);
      }
    }
    const srv = await startCliServer(rest);
    try {
      const line = await srv.waitFor(/"event":"metrics"/);
      const port = Number(/:(\d+)\/metrics/.exec(line)?.[1]);
      for (const probe of ["readinessProbe", "livenessProbe"]) {
        const path = c[probe].httpGet.path as string;
        assert.equal((await fetch(`http://127.0.0.1:${port}${path}`)).status, 200, `${probe} ${path}`);
      }
      // What the kubelet sends first: from then on the pod is not ready (and is still alive).
      srv.proc.kill("SIGTERM");
      await srv.waitFor(/"event":"not-ready"/);
      assert.equal((await fetch(`http://127.0.0.1:${port}${c.readinessProbe.httpGet.path}`)).status, 503);
      assert.equal((await fetch(`http://127.0.0.1:${port}${c.livenessProbe.httpGet.path}`)).status, 200);
    } finally {
      // A second SIGTERM ends the shutdown delay at once.
      assert.equal(await stopCli(srv), STOPPED);
    }
  },
);
