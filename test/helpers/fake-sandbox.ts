import type { ExecRequest, ExecResult, Sandbox, SandboxOptions, SandboxProvider } from "../../src/sandbox/sandbox.js";

/** Decides what a command "printed": gets the request and the host path of the mounted work copy. */
export type ExecHandler = (
  request: ExecRequest,
  workspaceDir: string,
) => Partial<ExecResult> | Promise<Partial<ExecResult>>;

/** A sandbox that runs nothing: answers come from a handler. Records commands and disposal. */
export class FakeSandbox implements Sandbox {
  readonly commands: string[] = [];
  disposed = false;

  constructor(
    readonly id: string,
    readonly options: SandboxOptions,
    private readonly handler: ExecHandler,
  ) {}

  async exec(request: ExecRequest): Promise<ExecResult> {
    if (this.disposed) throw new Error("exec after dispose");
    this.commands.push(request.command);
    const answer = await this.handler(request, this.options.workspaceDir);
    return {
      exitCode: 0,
      stdout: "",
      stderr: "",
      durationMs: 5,
      timedOut: false,
      truncated: false,
      ...answer,
    };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

/** A SandboxProvider of {@link FakeSandbox}es; `created` lists every sandbox made. */
export class FakeSandboxProvider implements SandboxProvider {
  readonly created: FakeSandbox[] = [];

  constructor(private readonly handler: ExecHandler = () => ({})) {}

  async create(options: SandboxOptions): Promise<Sandbox> {
    const sandbox = new FakeSandbox(`fake-${this.created.length + 1}`, options, this.handler);
    this.created.push(sandbox);
    return sandbox;
  }
}
