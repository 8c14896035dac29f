/**
 * What kbgpd runs besides the speaker, resolved from the configuration file's `processes` and
 * `healthchecks` sections (docs/config.md): helper processes speaking the ExaBGP text API, and health
 * checks whose state decides which routes are announced. The speaker never sees these; the daemon turns
 * them into route inputs under their own source names.
 */
import type { KubernetesConfig } from "../k8s/types.js";
import type { RouteConfig, SpeakerConfig } from "./types.js";

/** The whole file: the speaker's part and the daemon's. */
export interface KbgpdConfig extends SpeakerConfig {
  readonly processes: readonly ProcessConfig[];
  readonly healthchecks: readonly HealthcheckConfig[];
  /** The Kubernetes sync, or null without a `kubernetes` section. */
  readonly kubernetes: KubernetesConfig | null;
  /** Where kbgpd serves /metrics, /healthz and /readyz (`global.http`), or null when it is off. */
  readonly http: HttpListen | null;
}

/** An HTTP listening address: `address` as text (IPv4 or IPv6), `port` 1..65535. */
export interface HttpListen {
  readonly address: string;
  readonly port: number;
}

/** A helper process (ExaBGP's `process` block). */
export interface ProcessConfig {
  /** Unique among processes; its routes are the source `process:<name>`. */
  readonly name: string;
  /** Program and arguments, run without a shell. */
  readonly run: readonly string[];
  /** Added to kbgpd's own environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Working directory, or null for kbgpd's. */
  readonly workingDirectory: string | null;
  /** Answer each line (`done`/`error`) from the start; the helper may still change it with `disable-ack`… */
  readonly ack: boolean;
}

/** The states whose routes a health check announces (ExaBGP's healthcheck announces on entering these). */
export type AnnouncedState = "up" | "down" | "disabled";

/** A health-checked announcement (ExaBGP's healthcheck program, built in). */
export interface HealthcheckConfig {
  /** Unique among health checks; its routes are the source `healthcheck:<name>`. */
  readonly name: string;
  /** The check: program and arguments, without a shell; exit status 0 is a success. */
  readonly command: readonly string[];
  /** Seconds a check may run before it is killed and counted as a failure. */
  readonly timeout: number;
  /** Seconds between checks while the state is settled (up, down, disabled)… */
  readonly interval: number;
  /** …and while it is changing (init, rising, falling). */
  readonly fastInterval: number;
  /** Consecutive successes to become up, failures to become down. */
  readonly rise: number;
  readonly fall: number;
  /** While this file exists, the check is not run and the state is disabled. */
  readonly disableFile: string | null;
  readonly withdrawOnDown: boolean;
  /** The routes announced in each state, with that state's attributes; [] where they are withdrawn. */
  readonly routes: Readonly<Record<AnnouncedState, readonly RouteConfig[]>>;
}

/** The speaker's part of the file, without the daemon's (which may hold secrets in `env`). */
export function speakerPart(c: KbgpdConfig): SpeakerConfig {
  const { processes: _p, healthchecks: _h, kubernetes: _k, http: _w, ...speaker } = c;
  return speaker;
}
