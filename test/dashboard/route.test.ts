import { expect, test } from 'bun:test';
import { parseListing } from '../../src/core/listing-filters';
import { DEFAULT_LISTING, listingQuery } from '../../src/dashboard/listing';
import { readRoute, routeHash, type Route } from '../../src/dashboard/route';

// The library's place in the address: what is written reads back the same, and a bad value is
// the default, never an error or a query the API would refuse.

const DEFAULT: Route = { tab: 'images', folder: null, page: 1, q: '', listing: DEFAULT_LISTING, view: null };
const full: Route = {
  tab: 'images',
  folder: 'summer/beach',
  page: 3,
  q: 'sea & sand',
  listing: { sort: 'name', format: 'png', orientation: 'portrait', minWidth: '800', from: '2026-03-01', to: '2026-03-31', tag: 'red shoes' },
  view: 'list',
};

test.each([
  ['defaults', DEFAULT, '#/images'],
  ['the root folder', { ...DEFAULT, folder: '' }, '#/images?folder=%2F'],
  ['everything set', full, '#/images?folder=summer%2Fbeach&page=3&q=sea+%26+sand&sort=name&format=png&orientation=portrait&minWidth=800&from=2026-03-01&to=2026-03-31&tag=red+shoes&view=list'],
  ['one filter', { ...DEFAULT, listing: { ...DEFAULT_LISTING, tag: 'red' } }, '#/images?tag=red'],
] as const)('%s: written once, read back the same', (_, route, hash) => {
  expect(routeHash(route)).toBe(hash);
  expect(readRoute(hash)).toEqual(route);
});

test('the defaults are not written: newest first, no filter, the grid', () => {
  expect(routeHash({ ...DEFAULT, listing: { ...DEFAULT_LISTING, sort: 'newest', tag: '  ' }, view: 'grid' })).toBe('#/images');
  // A link without them (a breadcrumb) is the same.
  expect(routeHash({ tab: 'images', folder: 'a', page: 1, q: '' })).toBe('#/images?folder=a');
});

test.each([
  ['sort=evil'],
  ['sort=constructor'],
  ['sort=NAME'],
  ['format=bmp'],
  ['orientation=round'],
  ['minWidth=-5'],
  ['minWidth=0'],
  ['minWidth=1e3'],
  ['minWidth=12.5'],
  ['minWidth=1000000'],
  ['from=notadate'],
  ['from=2026-02-30'],
  ['to=2026-03-01T12:00:00Z'],
  ['from=2026-04-01&to=2026-03-01'],
  ['view=zzz'],
  ['page=0'],
  ['page=1e3'],
  ['page=-2'],
  ['page=9999999999'],
])('%s: ignored, the default instead', (query) => {
  expect(readRoute(`#/images?${query}`)).toEqual(DEFAULT);
});

test('a search with a control character (which the API refuses) is ignored', () => {
  expect(readRoute('#/images?q=a%00b')).toEqual(DEFAULT);
  expect(readRoute('#/images?q=a%09b')).toEqual(DEFAULT);
});

test('a tag or a search longer than the API takes is ignored', () => {
  expect(readRoute(`#/images?tag=${'x'.repeat(1001)}`)).toEqual(DEFAULT);
  expect(readRoute(`#/images?q=${'x'.repeat(201)}`)).toEqual(DEFAULT);
});

test.each(['red,blue', 'red;blue', '%01red', 'x'.repeat(65)])('a tag the listing would refuse (%s) is ignored', (tag) => {
  expect(readRoute(`#/images?tag=${tag}`)).toEqual(DEFAULT);
});

test('a tag as typed (any case, spaces) is kept for the server to normalize', () => {
  expect(readRoute('#/images?tag=Red+Shoes').listing.tag).toBe('Red Shoes');
  expect(readRoute(`#/images?tag=${'x'.repeat(64)}`).listing.tag).toBe('x'.repeat(64));
});

test('a bad value leaves the good ones beside it', () => {
  const route = readRoute('#/images?folder=summer&sort=evil&format=png&minWidth=-5&from=notadate&to=2026-03-31&tag=red&view=zzz');
  expect(route).toEqual({ ...DEFAULT, folder: 'summer', listing: { ...DEFAULT_LISTING, format: 'png', to: '2026-03-31', tag: 'red' } });
});

test('whatever the address says, the listing read from it is one the API takes', () => {
  const hostile = ['', 'x', '-1', '0', '1e3', '99999999', '2026-13-01', '2026-02-29', '0000-01-01', '9999-12-31', 'newest', 'png', 'landscape', ' 5 ', '%00'];
  for (const a of hostile)
    for (const b of hostile) {
      const params = new URLSearchParams({ sort: a, format: b, orientation: a, minWidth: b, from: a, to: b, tag: a });
      expect(() => parseListing(listingQuery(readRoute(`#/images?${params}`).listing))).not.toThrow();
    }
});
