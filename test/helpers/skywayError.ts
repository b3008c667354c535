import assert from 'node:assert/strict';

/** The SkyWay error body, with at least one populated error. */
export function assertSkywayError(body: any, commandType: string, field?: string): void {
  assert.equal(body.command_type, commandType);
  assert.ok(Array.isArray(body.params.errors) && body.params.errors.length > 0, 'errors is a non-empty array');
  for (const e of body.params.errors) {
    assert.equal(typeof e.field, 'string');
    assert.ok(typeof e.message === 'string' && e.message.length > 0);
  }
  if (field !== undefined) assert.ok(body.params.errors.some((e: any) => e.field === field), `an error about ${field}`);
}
