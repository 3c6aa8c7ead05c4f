/**
 * The per-net, per-host graph optimisation choice with injected timings and CPUs: which setting wins, how a
 * CPU is keyed, and that a choice stored by another CPU (a copied `.derived/` folder) is measured again.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chooseGraphSetting, choiceFile, graphChoice, graphPolicyFrom, withGraphSetting, type ChoiceHost, type SettingTimings } from './graph-choice';
import { cpuKey, machineKey, parseCpuInfo } from './host-cpu';

/** /proc/cpuinfo's first processor, trimmed to the lines the key reads plus some it must ignore. */
const cpuinfo = (model: string, flags: string) => `processor\t: 0\nvendor_id\t: x\nmodel name\t: ${model}\ncpu MHz\t\t: 2894.560\nflags\t\t: ${flags}\nbogomips\t: 5789.12\n\nprocessor\t: 1\nmodel name\t: ${model}\nflags\t\t: ${flags}\n`;
const BASE_FLAGS = 'fpu vme de pse tsc msr pae mce cx8 apic sep pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx lm constant_tsc rep_good nopl pni pclmulqdq ssse3 fma cx16 sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch bmi1 avx2 bmi2 erms';
/** This project's AMD host (lscpu): AVX-512 with VNNI and BF16. */
const AMD_EPYC = cpuinfo('AMD EPYC', `${BASE_FLAGS} avx512f avx512dq adx avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 avx_vnni avx512_bf16 clzero avx512vbmi avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg avx512_vpopcntdq`);
/** An Intel Xeon with AVX-512, VNNI and AMX (Sapphire Rapids). */
const XEON_AMX = cpuinfo('Intel(R) Xeon(R) Platinum 8488C', `${BASE_FLAGS} avx512f avx512dq avx512cd avx512bw avx512vl avx512_vnni avx512_bf16 avx512_fp16 avx_vnni amx_bf16 amx_tile amx_int8 pti`);
/** The same Xeon in a VM that hides AVX-512 and AMX: AVX2 only, so ORT uses 8-wide NCHWc blocks. */
const XEON_AVX2 = cpuinfo('Intel(R) Xeon(R) Platinum 8488C', BASE_FLAGS);

/** A candidate's timing: median and fastest run, ms. */
const t = (medianMs: number, minMs = medianMs) => ({ medianMs, minMs });

describe('chooseGraphSetting (injected timings)', () => {
  it('leaves the NCHWc layout for the embedding net on an Intel Xeon with AVX-512 (issue 20 timings)', () => {
    expect(chooseGraphSetting({ all: t(55.1), 'all-no-nchwc': t(15.8), extended: t(16.2) })).toBe('all-no-nchwc');
    expect(chooseGraphSetting({ all: t(54), 'all-no-nchwc': t(17), extended: t(15.9) })).toBe('extended');
  });

  it("keeps 'all' where it is the fast one: the detector and landmark net on that Xeon, every net here", () => {
    expect(chooseGraphSetting({ all: t(1.9), 'all-no-nchwc': t(5.2), extended: t(5.6) })).toBe('all');
    expect(chooseGraphSetting({ all: t(0.31), 'all-no-nchwc': t(1.0), extended: t(1.07) })).toBe('all');
    expect(chooseGraphSetting({ all: t(3.7), 'all-no-nchwc': t(7.6), extended: t(7.6) })).toBe('all');
  });

  it("keeps 'all' unless another setting wins by more than 15 % and 0.25 ms: warm-up timings are noisy", () => {
    expect(chooseGraphSetting({ all: t(11.4), extended: t(10) })).toBe('all'); // 14 %
    expect(chooseGraphSetting({ all: t(11.6), extended: t(10) })).toBe('extended'); // 16 %
    expect(chooseGraphSetting({ all: t(1.34), 'all-no-nchwc': t(1.23), extended: t(1.2) })).toBe('all'); // 0.14 ms
    expect(chooseGraphSetting({ all: t(1.5), extended: t(1.2) })).toBe('extended');
  });

  it("keeps 'all' when its fastest run says so, whatever the medians: a busy neighbour only adds time", () => {
    // The age net here, timed beside parallel test files.
    expect(chooseGraphSetting({ all: t(14.337, 1.213), 'all-no-nchwc': t(2.117, 1.162), extended: t(1.347, 1.118) })).toBe('all');
    // A detector whose 'all' runs were slowed by a neighbour but not all of them (quietly 2.0 against 5.1 ms).
    expect(chooseGraphSetting({ all: t(36.987, 2.05), 'all-no-nchwc': t(30.45, 4.6), extended: t(33.1, 4.7) })).toBe('all');
    expect(chooseGraphSetting({ all: t(55, 53), 'all-no-nchwc': t(15.8, 15.1) })).toBe('all-no-nchwc');
  });

  it('picks among the candidates that loaded, and falls back to all when none did', () => {
    expect(chooseGraphSetting({ 'all-no-nchwc': t(4), extended: t(5) })).toBe('all-no-nchwc');
    expect(chooseGraphSetting({ all: t(Number.NaN), extended: t(5) })).toBe('extended');
    expect(chooseGraphSetting({})).toBe('all');
  });
});

describe('the CPU key (injected /proc/cpuinfo text)', () => {
  it('reads the model name and the SIMD extensions ORT picks kernels by', () => {
    const amd = parseCpuInfo(AMD_EPYC, 'x64');
    expect(amd.model).toBe('AMD EPYC');
    expect(amd.extensions).toEqual(['sse4_1', 'sse4_2', 'avx', 'avx2', 'fma', 'f16c', 'avx512f', 'avx512dq', 'avx512cd', 'avx512bw', 'avx512vl', 'avx512_vnni', 'avx512_bf16', 'avx_vnni']);
    expect(parseCpuInfo(XEON_AMX, 'x64').extensions).toEqual(expect.arrayContaining(['avx512f', 'avx512_vnni', 'avx512_fp16', 'amx_tile', 'amx_int8', 'amx_bf16']));
    expect(cpuKey(amd)).toBe(`x64|AMD EPYC|${amd.extensions.join(' ')}`);
  });

  it('gives each CPU kind its own key, and the same key whatever flags ORT does not use', () => {
    const keys = [AMD_EPYC, XEON_AMX, XEON_AVX2].map((text) => machineKey('1.30.0', parseCpuInfo(text, 'x64')));
    expect(new Set(keys).size).toBe(3);
    for (const key of keys) expect(key).toMatch(/^ort1\.30\.0-[0-9a-f]{10}$/);
    const otherKernelFlags = AMD_EPYC.replaceAll(' hypervisor', '').replaceAll(' clzero', ' pti');
    expect(machineKey('1.30.0', parseCpuInfo(otherKernelFlags, 'x64'))).toBe(keys[0]);
    expect(machineKey('1.31.0', parseCpuInfo(AMD_EPYC, 'x64'))).not.toBe(keys[0]);
  });

  it('names the CPU from Node when there is no /proc/cpuinfo', () => {
    expect(parseCpuInfo('', 'arm64', 'Apple M2')).toEqual({ arch: 'arm64', model: 'Apple M2', extensions: [] });
  });
});

describe('graphChoice: measured once per CPU, stored in .derived/', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  /** A model file (any bytes: only its size and mtime name the choice) and its .derived folder. */
  async function modelFile(): Promise<{ source: string; derived: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'cf-graph-choice-'));
    dirs.push(dir);
    await writeFile(join(dir, 'fr_feature.onnx'), 'model bytes');
    return { source: join(dir, 'fr_feature.onnx'), derived: join(dir, '.derived') };
  }
  const host = (text: string, ortVersion = '1.30.0'): ChoiceHost => ({ cpu: parseCpuInfo(text, 'x64'), ortVersion });
  const measuring = (timings: SettingTimings) => vi.fn(async () => timings);
  const INTEL_EMBEDDING = { all: t(55, 54.2), 'all-no-nchwc': t(15.8, 15.5), extended: t(16.4, 15.9) };
  const AMD_EMBEDDING = { all: t(3.7, 3.5), 'all-no-nchwc': t(7.6, 7.1), extended: t(7.6, 7.2) };

  it('measures the first time, then reads the stored choice without measuring', async () => {
    const { source, derived } = await modelFile();
    const first = measuring(INTEL_EMBEDDING);
    expect(await graphChoice(source, derived, host(XEON_AMX), first)).toEqual({ setting: 'all-no-nchwc', timingsMs: INTEL_EMBEDDING, source: 'measured' });
    expect(first).toHaveBeenCalledTimes(1);
    const file = await choiceFile(source, derived, host(XEON_AMX));
    const stored = JSON.parse(await readFile(file, 'utf8'));
    expect(stored).toMatchObject({ cpu: cpuKey(parseCpuInfo(XEON_AMX, 'x64')), ort: '1.30.0', setting: 'all-no-nchwc', timingsMs: INTEL_EMBEDDING });
    const again = measuring(AMD_EMBEDDING);
    expect(await graphChoice(source, derived, host(XEON_AMX), again)).toEqual({ setting: 'all-no-nchwc', timingsMs: INTEL_EMBEDDING, source: 'stored' });
    expect(again).not.toHaveBeenCalled();
  });

  it('measures again on another CPU, as when a .derived folder is copied from another host, and keeps both', async () => {
    const { source, derived } = await modelFile();
    await graphChoice(source, derived, host(XEON_AMX), measuring(INTEL_EMBEDDING));
    const onAmd = measuring(AMD_EMBEDDING);
    expect(await graphChoice(source, derived, host(AMD_EPYC), onAmd)).toEqual({ setting: 'all', timingsMs: AMD_EMBEDDING, source: 'measured' });
    expect(onAmd).toHaveBeenCalledTimes(1);
    const onAvx2 = measuring(AMD_EMBEDDING);
    await graphChoice(source, derived, host(XEON_AVX2), onAvx2); // same model name, no AVX-512: another key
    expect(onAvx2).toHaveBeenCalledTimes(1);
    expect((await readdir(derived)).filter((f) => f.endsWith('.graph.json'))).toHaveLength(3);
    expect((await graphChoice(source, derived, host(XEON_AMX), measuring(AMD_EMBEDDING))).setting).toBe('all-no-nchwc');
  });

  it('measures again when the file under this CPU key was measured on another CPU (renamed), or by another ORT', async () => {
    const { source, derived } = await modelFile();
    await graphChoice(source, derived, host(XEON_AMX), measuring(INTEL_EMBEDDING));
    const intelFile = await choiceFile(source, derived, host(XEON_AMX));
    const amdFile = await choiceFile(source, derived, host(AMD_EPYC));
    await writeFile(amdFile, await readFile(intelFile)); // the Xeon's choice under the AMD host's name
    const onAmd = measuring(AMD_EMBEDDING);
    expect(await graphChoice(source, derived, host(AMD_EPYC), onAmd)).toMatchObject({ setting: 'all', source: 'measured' });
    expect(onAmd).toHaveBeenCalledTimes(1);
    expect(JSON.parse(await readFile(amdFile, 'utf8')).cpu).toBe(cpuKey(parseCpuInfo(AMD_EPYC, 'x64')));
    const newOrt = measuring(AMD_EMBEDDING);
    await graphChoice(source, derived, host(XEON_AMX, '1.31.0'), newOrt);
    expect(newOrt).toHaveBeenCalledTimes(1);
  });

  it('measures again when the model file changes or the stored choice is damaged', async () => {
    const { source, derived } = await modelFile();
    await graphChoice(source, derived, host(AMD_EPYC), measuring(AMD_EMBEDDING));
    await writeFile(await choiceFile(source, derived, host(AMD_EPYC)), '{"cpu": "x64|AMD EP');
    const damaged = measuring(AMD_EMBEDDING);
    expect((await graphChoice(source, derived, host(AMD_EPYC), damaged)).source).toBe('measured');
    expect(damaged).toHaveBeenCalledTimes(1);
    await writeFile(source, 'another model, another size');
    const changed = measuring(AMD_EMBEDDING);
    expect((await graphChoice(source, derived, host(AMD_EPYC), changed)).source).toBe('measured');
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it('still chooses when .derived cannot be written, and stores nothing when nothing could be timed', async () => {
    const { source, derived } = await modelFile();
    await writeFile(derived, 'not a folder');
    const readOnly = measuring(INTEL_EMBEDDING);
    expect((await graphChoice(source, derived, host(XEON_AMX), readOnly)).setting).toBe('all-no-nchwc');
    expect((await graphChoice(source, derived, host(XEON_AMX), readOnly)).source).toBe('measured');
    expect(readOnly).toHaveBeenCalledTimes(2);
    const other = await modelFile();
    expect(await graphChoice(other.source, other.derived, host(AMD_EPYC), measuring({}))).toEqual({ setting: 'all', timingsMs: {}, source: 'default' });
    expect(await stat(other.derived).then(() => true, () => false)).toBe(false);
  });
});

describe('settings as session options', () => {
  const base = { graphOptimizationLevel: 'all' as const, intraOpNumThreads: 1, extra: { session: { intra_op: { allow_spinning: '0' } } } };

  it('disables only the NCHWc transformer for all-no-nchwc, keeping the other extra options', () => {
    expect(withGraphSetting(base, 'all')).toEqual(base);
    expect(withGraphSetting(base, 'extended')).toEqual({ ...base, graphOptimizationLevel: 'extended' });
    expect(withGraphSetting(base, 'all-no-nchwc')).toEqual({
      ...base,
      extra: { session: { intra_op: { allow_spinning: '0' } }, optimization: { disable_specified_optimizers: 'NchwcTransformer' } },
    });
  });

  it('reads ENGINE_GRAPH_OPTIMIZATION: auto by default, a setting forces it, anything else is refused', () => {
    expect(graphPolicyFrom(undefined)).toBe('auto');
    expect(graphPolicyFrom('')).toBe('auto');
    expect(graphPolicyFrom('extended')).toBe('extended');
    expect(() => graphPolicyFrom('fast')).toThrow(/auto, all, all-no-nchwc, extended/);
  });
});
