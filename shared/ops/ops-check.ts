/** One named check of a job and its verdict, as the pre-market check reports them. */

export const CHECK_STATUSES = ['pass', 'warn', 'fail'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export interface OpsCheck {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

export function check(name: string, status: CheckStatus, detail: string): OpsCheck {
  return { name, status, detail };
}
