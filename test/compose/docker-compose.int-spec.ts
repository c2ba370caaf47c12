import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '@heard/config';
import { describeWithService } from '../support/service-suite';

const root = join(__dirname, '..', '..');
const found = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });

/** docker-compose's own reading of the file (anchors merged, variables set), as the engine would get it. */
const composeConfig = (profile: string, env: Record<string, string>) =>
  spawnSync('docker-compose', ['--profile', profile, 'config'], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });

interface Service {
  image?: string;
  build?: unknown;
  profiles?: string[];
  secrets?: Array<string | { source: string }>;
  environment?: Record<string, string>;
  // docker-compose writes a port bound to one address as "ip:published:target/tcp".
  ports?: Array<string | { published: number | string; target: number }>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
}

/** A published port as `address:port`, the address `*` when it is every interface. */
const hostPort = (port: string | { published: number | string }) => {
  if (typeof port !== 'string') return `*:${port.published}`;
  const parts = port.replace(/\/\w+$/, '').split(':');
  return parts.length === 3 ? `${parts[0]}:${parts[1]}` : `*:${parts[0]}`;
};

/** The services `docker compose --profile <profile> up` starts: those of no profile, and its own. */
const servicesOf = (profile: string) => {
  const resolved = composeConfig(profile, {});
  if (resolved.status !== 0) throw new Error(`${profile}: ${resolved.stderr}`);
  const { services } = parse(resolved.stdout) as { services: Record<string, Service> };
  return Object.entries(services).filter(([, s]) => !s.profiles || s.profiles.includes(profile));
};

// No Docker engine here: docker-compose (Debian's, v1) validates the file and resolves it
// without one; what it cannot do is start the containers.
describeWithService(
  'docker-compose',
  'docker-compose.yml, distributed profile',
  found.status === 0
    ? { value: found.stdout.trim(), shown: `docker-compose ${found.stdout.trim()}` }
    : undefined,
  'docker-compose is not installed (apt-get install docker-compose; .ci/run does it)',
  () => {
    it('is valid, and each heard instance in it starts with the settings it is given', () => {
      const resolved = composeConfig('distributed', {});
      expect([resolved.status, resolved.stderr]).toEqual([0, expect.any(String)]);
      const { services, secrets } = parse(resolved.stdout) as {
        services: Record<string, Service>;
        secrets: Record<string, { file: string }>;
      };
      // The database password is a secret file, given to PostgreSQL and to each heard.
      expect(secrets['heard-pg-password']!.file).toBe(join(root, '.secrets', 'heard-pg-password'));
      const secretsOf = (s: Service) =>
        (s.secrets ?? []).map((x) => (typeof x === 'string' ? x : x.source));
      expect(secretsOf(services['postgres-ha']!)).toEqual(['heard-pg-password']);
      expect(services['postgres-ha']!.environment?.POSTGRES_PASSWORD_FILE).toBe(
        '/run/secrets/heard-pg-password',
      );
      const dir = mkdtempSync(join(tmpdir(), 'heard-compose-'));
      const passwordFile = join(dir, 'heard-pg-password');
      writeFileSync(passwordFile, 's3cret\n');
      const adminKeyFile = join(dir, 'heard-admin-key');
      writeFileSync(adminKeyFile, `${'a'.repeat(44)}\n`);
      const masterKeyFile = join(dir, 'heard-master-key');
      writeFileSync(masterKeyFile, `${Buffer.alloc(32, 3).toString('base64')}\n`);
      const distributed = Object.entries(services).filter(([, s]) =>
        s.profiles?.includes('distributed'),
      );
      const heards = distributed.filter(([name]) => name.startsWith('heard-'));
      expect(heards.map(([name]) => name).sort()).toEqual([
        'heard-api-1',
        'heard-api-2',
        'heard-worker',
      ]);

      const roles = new Map<string, string[]>();
      for (const [name, service] of heards) {
        expect(secretsOf(service).sort()).toEqual([
          'heard-admin-key',
          'heard-master-key',
          'heard-pg-password',
        ]);
        expect(service.environment).toMatchObject({
          HEARD_PG_PASSWORD_FILE: '/run/secrets/heard-pg-password',
          HEARD_ADMIN_KEY_FILE: '/run/secrets/heard-admin-key',
          HEARD_MASTER_KEY_FILE: '/run/secrets/heard-master-key',
        });
        // heard's own config check, as the container would run it (the secrets mounted here).
        const config = loadConfig({
          ...service.environment,
          HEARD_PG_PASSWORD_FILE: passwordFile,
          HEARD_ADMIN_KEY_FILE: adminKeyFile,
          HEARD_MASTER_KEY_FILE: masterKeyFile,
        });
        expect(config.auth.adminKey).toBe('a'.repeat(44));
        expect(config.auth.masterKey).toEqual(Buffer.alloc(32, 3));
        roles.set(name, config.roles);
        expect(config.eventStore).toEqual(config.readStore);
        expect(config.eventStore).toMatchObject({ kind: 'postgres' });
        expect(config.eventStore).toMatchObject({ password: 's3cret' });
        expect((config.eventStore as { url: string }).url).not.toContain('s3cret');
        // Its database and broker are services of the same profile, waited for.
        const db = new URL((config.eventStore as { url: string }).url).hostname;
        const broker = config.kafkaBrokers[0]!.split(':')[0]!;
        for (const needed of [db, broker]) {
          expect(distributed.map(([n]) => n)).toContain(needed);
          expect(Object.keys(service.depends_on ?? {})).toContain(needed);
        }
      }
      expect(Object.fromEntries(roles)).toEqual({
        'heard-api-1': ['api', 'intake'],
        'heard-api-2': ['api', 'intake'],
        'heard-worker': ['projections', 'publisher', 'relay', 'scheduler'],
      });
      const published = heards.flatMap(([, s]) => (s.ports ?? []).map(hostPort));
      expect(new Set(published).size).toBe(3);
      rmSync(dir, { recursive: true, force: true });
    });

    it('runs heard on EventStoreDB in the esdb profile, once the server is healthy', () => {
      const resolved = composeConfig('esdb', {});
      expect(resolved.status).toBe(0);
      const { services } = parse(resolved.stdout) as { services: Record<string, Service> };
      const heard = services['heard-esdb']!;
      expect(heard.profiles).toEqual(['esdb']);
      expect(services.eventstore!.profiles).toContain('esdb');
      expect(heard.depends_on).toEqual({ eventstore: { condition: 'service_healthy' } });
      const config = loadConfig(heard.environment);
      expect(config.eventStore).toEqual({ kind: 'esdb', url: 'esdb://eventstore:2113?tls=false' });
      expect(config.readStore).toMatchObject({ kind: 'sqlite' });
    });

    it('starts every profile: no two of its services share a host port or a volume', () => {
      const { services } = parse(composeConfig('default', {}).stdout) as {
        services: Record<string, Service>;
      };
      const profiles = new Set(Object.values(services).flatMap((s) => s.profiles ?? []));
      expect([...profiles].sort()).toEqual(['distributed', 'esdb', 'infra', 'kafka', 'kurrentdb']);
      for (const profile of ['default', ...profiles]) {
        const started = servicesOf(profile);
        const owners = new Map<string, string>();
        for (const [name, service] of started) {
          const taken = [
            ...(service.ports ?? []).map(hostPort),
            // Named volumes (not bind mounts): a data folder has one owner.
            ...(service.volumes ?? [])
              .map((v) => v.split(':')[0]!)
              .filter((source) => !source.startsWith('/') && !source.startsWith('.'))
              .map((volume) => `volume ${volume}`),
          ];
          for (const what of taken) {
            // `*:3000` and `127.0.0.1:3000` clash as well.
            const port = what.startsWith('volume') ? what : `port ${what.split(':')[1]}`;
            expect({ profile, [port]: owners.get(port) ?? name }).toEqual({
              profile,
              [port]: name,
            });
            owners.set(port, name);
          }
          // Everything a service waits for starts in the same profile.
          for (const needed of Object.keys(service.depends_on ?? {}))
            expect({
              profile,
              name,
              needs: needed,
              started: started.some(([n]) => n === needed),
            }).toEqual({ profile, name, needs: needed, started: true });
        }
      }
    });

    it('restarts every service, checks the health of heard and Kafka, and binds infrastructure to 127.0.0.1', () => {
      const { services } = parse(composeConfig('default', {}).stdout) as {
        services: Record<string, Service>;
      };
      for (const [name, service] of Object.entries(services)) {
        expect({ name, restart: service.restart }).toEqual({ name, restart: 'unless-stopped' });
        const isHeard = service.build !== undefined;
        if (isHeard || name === 'kafka')
          expect({ name, healthcheck: service.healthcheck?.test.length }).toEqual({
            name,
            healthcheck: expect.any(Number),
          });
        // Anything that is not heard (no key, no TLS) is reachable from this machine only.
        if (!isHeard)
          for (const port of service.ports ?? [])
            expect({ name, port: hostPort(port).split(':')[0] }).toEqual({
              name,
              port: '127.0.0.1',
            });
        // What waits for Kafka waits for it to answer, not only to start.
        if (service.depends_on?.kafka)
          expect({ name, kafka: service.depends_on.kafka.condition }).toEqual({
            name,
            kafka: 'service_healthy',
          });
      }
      // KurrentDB's current image beside EventStoreDB's last one under its old name.
      expect(services.kurrentdb!.image).toMatch(/^kurrentplatform\/kurrentdb:\d+/);
      expect(services.eventstore!.image).toMatch(/^eventstore\/eventstore:/);
      expect(loadConfig(services['heard-kurrentdb']!.environment).eventStore).toEqual({
        kind: 'esdb',
        url: 'esdb://kurrentdb:2113?tls=false',
      });
    });

    it('validates without the secret file: only starting the distributed profile needs it', () => {
      const resolved = composeConfig('default', {});
      expect(resolved.status).toBe(0);
    });
  },
  '',
);
