// mongo-init runs this once per start (mongosh --file): makes mongo-1..3 the replica set rs0 if it is not one
// yet, then waits until a primary is elected, so the services' first writes (w: majority) succeed.
try {
  rs.status();
  print('replica set rs0 already initiated');
} catch (e) {
  print('initiating replica set rs0: ' + e.message);
  rs.initiate({
    _id: 'rs0',
    members: [
      { _id: 0, host: 'mongo-1:27017', priority: 2 },
      { _id: 1, host: 'mongo-2:27017', priority: 1 },
      { _id: 2, host: 'mongo-3:27017', priority: 1 },
    ],
  });
}
for (let i = 0; i < 120; i++) {
  const primary = rs.status().members.find((m) => m.stateStr === 'PRIMARY');
  if (primary) {
    print('primary: ' + primary.name);
    quit(0);
  }
  sleep(1000);
}
print('no primary after 120 s');
quit(1);
