import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const self = new Map<number, number>();
const dt = p.timeDeltas as number[]; const samples = p.samples as number[];
for (let i = 0; i < samples.length; i++) self.set(samples[i], (self.get(samples[i]) ?? 0) + (dt[i] ?? 0));
const byName = new Map<string, number>(); let total = 0;
for (const n of p.nodes) { const t = self.get(n.id) ?? 0; total += t; const cf = n.callFrame; const k = `${cf.functionName || '(anon)'} ${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber}`; byName.set(k, (byName.get(k) ?? 0) + t); }
console.log('total ms', Math.round(total / 1000), 'span ms', Math.round((p.endTime - p.startTime) / 1000));
for (const [k, v] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((100 * v / total).toFixed(1).padStart(5), k);
