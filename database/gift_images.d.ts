export interface Picture {
  width: number;
  height: number;
  rgba: Buffer;
}

export interface GiftPicture {
  file: string;
  name: string;
}

export declare const GIFTS: GiftPicture[];
export declare function draw(gift: GiftPicture): Picture;
export declare function encodePng(picture: Picture): Buffer;
export declare function crc32(buffer: Buffer): number;
export declare function writeAll(dir?: string): void;
