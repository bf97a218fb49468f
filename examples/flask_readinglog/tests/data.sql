-- Two readers whose password hashes were made by Werkzeug ("test" and "other").
INSERT INTO reader (username, password)
VALUES
  ('test', 'pbkdf2:sha256:1000$WPzZvJj82cJLSmnN$2418ccf55ab069f3dbe1aa2091dfb08ac8ea8f53f9e18362c104369796d49a20'),
  ('other', 'scrypt:1024:8:1$F22SSaZVg1FOwYje$8b417faa76d3b5dae2baf1e09cf053e212e529fd890e14767afe01c896effe787049a4b46d3435799abb604d30265841c110f620e65a7ea13da49d5a6782b965');

INSERT INTO entry (title, note, reader_id, logged)
VALUES
  ('The Left Hand of Darkness', 'Read on the train.', 1, '2024-03-01 08:00:00');
