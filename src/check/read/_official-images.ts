// The Docker Official Images' repository names (data only, no logic): a bare image name is official only if listed.
// Source: https://github.com/docker-library/official-images, the file names of its library/ folder at commit
// 37079fb336f572a88700cf32e5e1f6be54a04e8f (2026-08-21); read 2026-12-07. Refresh by listing that folder again.

/** The names of the Docker Official Images (`docker.io/library/<name>`), sorted. */
export const OFFICIAL_IMAGES: ReadonlySet<string> = new Set([
  'adminer', 'aerospike', 'almalinux', 'alpine', 'alt', 'amazoncorretto', 'amazonlinux', 'api-firewall',
  'arangodb', 'archlinux', 'azul-zulu', 'backdrop', 'bash', 'bonita', 'buildpack-deps', 'busybox',
  'caddy', 'cassandra', 'chronograf', 'cirros', 'clearlinux', 'clefos', 'clickhouse', 'clojure',
  'composer', 'convertigo', 'couchbase', 'couchdb', 'crate', 'dart', 'debian', 'docker',
  'drupal', 'eclipse-mosquitto', 'eclipse-temurin', 'eggdrop', 'elasticsearch', 'elixir', 'emqx', 'erlang',
  'espocrm', 'fedora', 'flink', 'fluentd', 'friendica', 'gazebo', 'gcc', 'geonetwork',
  'ghost', 'golang', 'gradle', 'groovy', 'haproxy', 'haskell', 'haxe', 'hello-world',
  'hitch', 'httpd', 'hylang', 'ibm-semeru-runtimes', 'ibmjava', 'influxdb', 'irssi', 'jetty',
  'joomla', 'jruby', 'julia', 'kapacitor', 'kibana', 'kong', 'krakend', 'lightstreamer',
  'liquibase', 'logstash', 'mageia', 'mariadb', 'matomo', 'maven', 'mediawiki', 'memcached',
  'mongo', 'mongo-express', 'monica', 'mysql', 'nats', 'neo4j', 'neurodebian', 'nextcloud',
  'nginx', 'nim', 'node', 'notary', 'odoo', 'open-liberty', 'openjdk', 'oraclelinux',
  'orientdb', 'percona', 'perl', 'photon', 'php', 'php-zendserver', 'phpmyadmin', 'plone',
  'postfixadmin', 'postgres', 'pypy', 'python', 'r-base', 'rabbitmq', 'rakudo-star', 'redis',
  'redmine', 'registry', 'rethinkdb', 'rocket.chat', 'rockylinux', 'ros', 'ruby', 'rust',
  'sapmachine', 'satosa', 'silverpeas', 'solr', 'sonarqube', 'spark', 'spiped', 'storm',
  'swift', 'swipl', 'teamspeak', 'telegraf', 'tomcat', 'tomee', 'traefik', 'ubuntu',
  'unit', 'varnish', 'websphere-liberty', 'wordpress', 'xwiki', 'yourls', 'znc', 'zookeeper',
]);
