import { randomUUID } from 'node:crypto';
import { Messenger } from 'egg';

// A question over Egg's messenger, asked by an app worker: an id the answers carry back.
interface Question { id: string }
interface Answer<T> { id: string; pid: number; value: T }

const replyTo = (action: string) => `${action}-reply`;

// Answers `action` questions with what `value` resolves to, and this process's pid.
export function answer<T>(messenger: Messenger, action: string, value: () => T | Promise<T>, onError: (err: Error) => void): void {
  messenger.on(action, async ({ id }: Question) => {
    try {
      const reply: Answer<T> = { id, pid: process.pid, value: await value() };
      // To every app worker (the asker is one; the others ignore an id they did not ask): sendTo(pid) never reaches
      // egg-mock's in-process app, whose messenger sends it out over the test runner's IPC channel.
      messenger.sendToApp(replyTo(action), reply);
    } catch (err) {
      onError(err as Error);
    }
  });
}

// Asks the app workers and/or the agent; resolves with the answers once `expected` came or `timeout` ms passed,
// so a hung process costs one timeout, never a stuck request.
export function ask<T>(messenger: Messenger, action: string, to: Array<'app' | 'agent'>, expected: number,
  timeout: number): Promise<Array<{ pid: number; value: T }>> {
  const id = randomUUID();
  const answers: Array<{ pid: number; value: T }> = [];
  return new Promise(resolve => {
    let timer: NodeJS.Timeout | undefined;
    function onAnswer(reply: Answer<T>) {
      if (reply?.id !== id) return;
      answers.push({ pid: reply.pid, value: reply.value });
      if (answers.length >= expected) done();
    }
    function done() {
      clearTimeout(timer);
      messenger.removeListener(replyTo(action), onAnswer);
      resolve(answers);
    }
    timer = setTimeout(done, timeout);
    messenger.on(replyTo(action), onAnswer);
    const question: Question = { id };
    if (to.includes('app')) messenger.sendToApp(action, question);
    if (to.includes('agent')) messenger.sendToAgent(action, question);
  });
}
