import NodeMediaServer from 'node-media-server';
import Context from 'node-media-server/src/core/context.js';

// What /metrics says about the agent's media server's players: how many, and the bytes sent to them (those still
// attached plus those gone, whose sessions Node-Media-Server forgets).
export class MediaStats {
  private goneBytes = 0;

  // Each server the agent starts (one at a time: Node-Media-Server's Context is per process).
  attach(nms: NodeMediaServer): void {
    nms.on('donePlay', session => {
      this.goneBytes += session.outBytes;
    });
  }

  read(): { players: number; playerBytes: number } {
    let players = 0;
    let playerBytes = this.goneBytes;
    for (const broadcast of Context.broadcasts.values()) {
      players += broadcast.subscribers.size;
      for (const player of broadcast.subscribers.values()) playerBytes += player.outBytes;
    }
    return { players, playerBytes };
  }
}
