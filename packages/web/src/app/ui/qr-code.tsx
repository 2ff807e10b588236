import qrcode from 'qrcode-generator';

/**
 * A QR code's dark modules as one SVG path (a square per module), with its size in modules: drawn
 * in the page, so nothing leaves the device and the CSP needs no image source.
 */
export function qrModules(text: string): { size: number; path: string } {
  // Error correction M (15 %): a screen photographed by a phone, not a printed label.
  const code = qrcode(0, 'M');
  code.addData(text, 'Byte');
  code.make();
  const size = code.getModuleCount();
  const squares: string[] = [];
  for (let row = 0; row < size; row++) for (let col = 0; col < size; col++) if (code.isDark(row, col)) squares.push(`M${col} ${row}h1v1h-1z`);
  return { size, path: squares.join('') };
}

/** The QR code of `text` (an otpauth:// URI), black on white with the quiet zone the standard asks. */
export function QrCode({ text, label, testId }: { text: string; label: string; testId?: string }) {
  const { size, path } = qrModules(text);
  const quiet = 4;
  const box = size + 2 * quiet;
  return (
    <svg className="qr-code" role="img" aria-label={label} data-testid={testId} viewBox={`${-quiet} ${-quiet} ${box} ${box}`} width={box * 5} height={box * 5} shapeRendering="crispEdges">
      <rect x={-quiet} y={-quiet} width={box} height={box} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
