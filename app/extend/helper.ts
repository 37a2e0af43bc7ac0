export default {
  // The socket message shape of the course: {meta: {timestamp, ...metadata}, data: {action, payload}}.
  parseMsg(action: string, payload: unknown = {}, metadata: Record<string, unknown> = {}) {
    return {
      meta: { timestamp: Date.now(), ...metadata } as { timestamp: number } & Record<string, unknown>,
      data: { action, payload },
    };
  },
};
