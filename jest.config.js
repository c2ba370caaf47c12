// One config, three tiers chosen by file name: *.spec.ts (pure), *.int-spec.ts (real stores,
// real broker), *.e2e-spec.ts (the app over HTTP).
const tsJest = [
  'ts-jest',
  // Transpile only: the typecheck script checks types once for the whole tree.
  { tsconfig: { isolatedModules: true, allowJs: true, module: 'commonjs' } },
];
const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.[tj]s$': tsJest },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: { '^@heard/(.*)$': '<rootDir>/libs/$1/src' },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // jose 6 and content-disposition 3 (of @fastify/static) are ESM only: Node loads them with
  // require(esm), jest's own loader cannot, so they are
  // compiled to CommonJS for the tests like heard's own code.
  transformIgnorePatterns: ['/node_modules/(?!(jose|content-disposition)/)'],
};
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'] },
    { ...base, displayName: 'int', testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/{apps,libs,test}/**/*.e2e-spec.ts'] },
  ],
};
