// Draws Markbook's app icons (a white tick on a blue rounded square) as PNGs
// into static/icons/. Run by hand when the icon changes; the PNGs are committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const BLUE = [29, 78, 216];
const WHITE = [255, 255, 255];

function crc32(buf) {
	let c = ~0;
	for (const byte of buf) {
		c ^= byte;
		for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
	}
	return ~c >>> 0;
}

function chunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([len, body, crc]);
}

/** Distance from point p to segment ab. */
function segDist(px, py, ax, ay, bx, by) {
	const t = Math.max(
		0,
		Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2))
	);
	return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
}

function icon(size, { maskable = false, transparentCorners = true } = {}) {
	const rows = [];
	const radius = maskable ? 0 : size * 0.2;
	const inset = maskable ? 0.2 : 0.12; // maskable icons keep content in the safe zone
	const [ax, ay, bx, by, cx, cy] = [0.3, 0.52, 0.45, 0.67, 0.72, 0.36].map(
		(v) => inset + (v - 0.12) * ((1 - 2 * inset) / 0.76)
	);
	for (let y = 0; y < size; y++) {
		const row = [0];
		for (let x = 0; x < size; x++) {
			const u = (x + 0.5) / size;
			const v = (y + 0.5) / size;
			// rounded-square mask
			const dx = Math.max(radius - x - 0.5, 0, x + 0.5 - (size - radius));
			const dy = Math.max(radius - y - 0.5, 0, y + 0.5 - (size - radius));
			const inside = dx * dx + dy * dy <= radius * radius;
			const d = Math.min(segDist(u, v, ax, ay, bx, by), segDist(u, v, bx, by, cx, cy));
			const tick = d < (0.055 * (1 - 2 * inset)) / 0.76;
			const [r, g, b] = tick ? WHITE : BLUE;
			row.push(r, g, b, inside || !transparentCorners ? 255 : 0);
		}
		rows.push(Buffer.from(row));
	}
	const header = Buffer.alloc(13);
	header.writeUInt32BE(size, 0);
	header.writeUInt32BE(size, 4);
	header[8] = 8; // bit depth
	header[9] = 6; // RGBA
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(Buffer.concat(rows))),
		chunk('IEND', Buffer.alloc(0))
	]);
}

mkdirSync('static/icons', { recursive: true });
writeFileSync('static/icons/icon-192.png', icon(192));
writeFileSync('static/icons/icon-512.png', icon(512));
writeFileSync('static/icons/icon-512-maskable.png', icon(512, { maskable: true }));
writeFileSync('static/icons/apple-touch-icon.png', icon(180, { transparentCorners: false }));
writeFileSync('static/favicon.png', icon(64));
