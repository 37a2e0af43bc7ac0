// The messenger message a worker sends the agent when a room ends (changestatus stop): its media server cuts the room.
export const MEDIA_CUT = 'media-cut';
export interface MediaCut {
  key: string;
  id: number;
}
