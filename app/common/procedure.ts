// The one row a stored procedure answers with its last SELECT (gift_pay, live_visit), whatever nesting of result sets
// mysql2 hands back through Sequelize's raw query.
export function procedureRow(result: unknown): Record<string, unknown> | undefined {
  let first: unknown = result;
  while (Array.isArray(first)) first = first[0];
  return first as Record<string, unknown> | undefined;
}
