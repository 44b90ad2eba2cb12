import type { BuildOptions } from 'esbuild';

export declare const K6_BUNDLE: Readonly<Pick<BuildOptions, 'bundle' | 'format' | 'target' | 'platform' | 'mainFields' | 'external'>>;
