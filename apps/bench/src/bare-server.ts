import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';

/** The ceiling of the HTTP layer: parse the JSON body, answer 201, nothing else. */
@Controller()
class BareController {
  @Post('bare')
  @HttpCode(201)
  bare(@Body() body: unknown) {
    return { received: typeof body };
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

const main = async () => {
  const platform = process.argv[2] ?? 'fastify';
  const port = Number(process.argv[3] ?? 3900);
  // Nest's own default is Express: the bench measures it beside the Fastify heard runs on.
  const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  const app = await NestFactory.create(BareModule, adapter, { logger: false });
  await app.listen(port, '127.0.0.1');
  process.send?.('ready');
};
void main();
