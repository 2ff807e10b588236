// The part of PDFKit's API the referral form uses. PDFKit ships no type declarations of its own
// (and @types/pdfkit follows an older release), so they are declared here, narrowly.
declare module 'pdfkit' {
  interface PDFDocumentOptions {
    /** Deflate content streams (PDFKit's default: true). */
    compress?: boolean;
    size?: string | [number, number];
    margin?: number;
    pdfVersion?: '1.3' | '1.4' | '1.5' | '1.6' | '1.7' | '1.7ext3';
    lang?: string;
    displayTitle?: boolean;
    info?: { Title?: string; Subject?: string; Creator?: string; Producer?: string; CreationDate?: Date; ModDate?: Date };
  }

  interface TextOptions {
    width?: number;
    align?: 'left' | 'center' | 'right' | 'justify';
    continued?: boolean;
    lineGap?: number;
    paragraphGap?: number;
    indent?: number;
  }

  class PDFDocument {
    constructor(options?: PDFDocumentOptions);
    font(name: string): this;
    /** A TrueType, OpenType or WOFF font file, under a name for font(). */
    registerFont(name: string, file: string): this;
    fontSize(size: number): this;
    fillColor(color: string): this;
    text(text: string, options?: TextOptions): this;
    moveDown(lines?: number): this;
    on(event: 'data', listener: (chunk: Buffer) => void): this;
    on(event: 'end', listener: () => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    end(): void;
  }

  export default PDFDocument;
}
