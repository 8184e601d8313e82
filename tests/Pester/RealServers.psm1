# Real servers for the tests: a test PKI made with openssl, nginx terminating TLS in front of the stand-in API, and squid
# as an authenticating forward proxy. Everything lives in one temp folder, listens on free loopback ports only, and is
# stopped by its process id.
Set-StrictMode -Version Latest

# The commands the real-server tests run, with the Debian package that has each.
$script:Tools = [ordered]@{ nginx = 'nginx'; squid = 'squid'; htpasswd = 'apache2-utils'; openssl = 'openssl' }

# Where Debian keeps squid's helper that checks Basic credentials against an htpasswd file.
$script:NcsaAuthPaths = '/usr/lib/squid/basic_ncsa_auth', '/usr/lib64/squid/basic_ncsa_auth', '/usr/libexec/squid/basic_ncsa_auth'

function Find-RealServerTool([string] $Name) {
    <# The full path of a command, looking in the sbin folders too, which a user's PATH often lacks; null when absent.
       PIXELCUT_TEST_HIDE_TOOLS, a comma-separated list of command names, makes those look absent, to see what a machine
       without them does. #>
    $hidden = @("$env:PIXELCUT_TEST_HIDE_TOOLS" -split ',' | ForEach-Object Trim | Where-Object { $_ })
    if ($hidden -contains $Name) { return $null }
    $found = Get-Command $Name -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($found) { return $found.Source }
    foreach ($folder in '/usr/sbin', '/sbin', '/usr/local/sbin') {
        $path = Join-Path $folder $Name
        if (Test-Path -LiteralPath $path -PathType Leaf) { return $path }
    }
    $null
}

function Get-MissingRealServerTool {
    <# What the real-server tests need that this machine lacks, as 'command (package)' strings; nothing when all is there. #>
    if (-not $IsLinux) { return 'Linux (the real-server tests run nginx and squid from Debian packages)' }
    foreach ($entry in $script:Tools.GetEnumerator()) {
        if (-not (Find-RealServerTool $entry.Key)) { "$($entry.Key) ($($entry.Value))" }
    }
    if ((Find-RealServerTool squid) -and -not ($script:NcsaAuthPaths | Where-Object { Test-Path -LiteralPath $_ })) { 'basic_ncsa_auth (squid)' }
}

function Invoke-Tool {
    <# Runs a command, and throws with everything it printed when it fails. #>
    param([Parameter(Mandatory)] [string] $Name, [string[]] $Arguments = @())
    $path = Find-RealServerTool $Name
    if (-not $path) { throw "$Name is not installed." }
    $printed = & $path @Arguments 2>&1 | Out-String
    if ($LASTEXITCODE -ne 0) { throw "$Name $($Arguments -join ' ') failed with exit code ${LASTEXITCODE}: $printed" }
}

function Test-IsRoot { $IsLinux -and (& id -u) -eq '0' }

function New-RealServerRoot {
    <# A fresh temp folder for one test file's servers, which the unprivileged workers of nginx and squid can enter. #>
    $path = Join-Path ([IO.Path]::GetTempPath()) "pixelcut-real-$([guid]::NewGuid().ToString('n'))"
    $null = New-Item -ItemType Directory -Path $path
    [IO.File]::SetUnixFileMode($path, [IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute')
    $path
}

function Remove-RealServerRoot([string] $Path) {
    if ($Path -and (Test-Path -LiteralPath $Path)) { Remove-Item -LiteralPath $Path -Recurse -Force }
}

function Get-FreeLoopbackPort {
    <# Ports free on 127.0.0.1 now, all different: each is held until all are found, then released for a server to take. #>
    param([int] $Count = 1)
    $listeners = foreach ($i in 1..$Count) {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $listener
    }
    try { foreach ($listener in $listeners) { $listener.LocalEndpoint.Port } }
    finally { foreach ($listener in $listeners) { $listener.Stop() } }
}

function New-TestPki {
    <#
    Makes, with openssl, in -Path: a trusted test CA and a second CA nobody trusts, and server certificates for
    127.0.0.1 and localhost: Good (signed by the trusted CA), WrongName (signed by it, for wrong.example only), Untrusted
    (for the right names, signed by the other CA) and Expired (signed by the trusted CA, valid only on 1 January 2020).
    TrustBundle holds the trusted CA alone, for SSL_CERT_FILE. Each certificate comes as Certificate and Key paths.
    #>
    param([Parameter(Mandatory)] [string] $Path)
    $null = New-Item -ItemType Directory -Path $Path -Force
    $config = Join-Path $Path 'openssl.cnf'
    Set-Content -LiteralPath $config -Value @"
[req]
distinguished_name = dn
prompt = no
[dn]
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ca]
default_ca = expired_ca
[expired_ca]
database = $(Join-Path $Path 'index.txt')
serial = $(Join-Path $Path 'serial')
new_certs_dir = $Path
default_md = sha256
policy = any_name
unique_subject = no
copy_extensions = none
[any_name]
commonName = supplied
"@
    [IO.File]::WriteAllText((Join-Path $Path 'index.txt'), '')
    Set-Content -LiteralPath (Join-Path $Path 'serial') -Value '1000'
    $keyOptions = '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'

    function New-Ca([string] $Name, [string] $CommonName) {
        $pair = [pscustomobject]@{ Certificate = Join-Path $Path "$Name.crt"; Key = Join-Path $Path "$Name.key" }
        Invoke-Tool openssl (@('req', '-x509') + $keyOptions + @('-keyout', $pair.Key, '-out', $pair.Certificate, '-days', '2',
                '-subj', "/CN=$CommonName", '-config', $config, '-extensions', 'ca_ext'))
        $pair
    }

    function New-ServerCertificate([string] $Name, $Ca, [string] $AltNames, [switch] $Expired) {
        $pair = [pscustomobject]@{ Certificate = Join-Path $Path "$Name.crt"; Key = Join-Path $Path "$Name.key" }
        $request = Join-Path $Path "$Name.csr"
        $extensions = Join-Path $Path "$Name.ext"
        Set-Content -LiteralPath $extensions -Value @"
[server_ext]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $AltNames
"@
        Invoke-Tool openssl (@('req', '-new') + $keyOptions + @('-keyout', $pair.Key, '-out', $request, '-subj', "/CN=$Name", '-config', $config))
        if ($Expired) {
            # openssl x509 has no start date before today; openssl ca takes both ends.
            Invoke-Tool openssl @('ca', '-batch', '-config', $config, '-cert', $Ca.Certificate, '-keyfile', $Ca.Key, '-in', $request,
                '-out', $pair.Certificate, '-startdate', '20200101000000Z', '-enddate', '20200102000000Z',
                '-extfile', $extensions, '-extensions', 'server_ext', '-notext')
        }
        else {
            Invoke-Tool openssl @('x509', '-req', '-in', $request, '-CA', $Ca.Certificate, '-CAkey', $Ca.Key,
                '-set_serial', [string](Get-Random -Minimum 1000000 -Maximum 2000000000), '-days', '2', '-sha256',
                '-out', $pair.Certificate, '-extfile', $extensions, '-extensions', 'server_ext')
        }
        $pair
    }

    $ca = New-Ca 'ca' 'Pixelcut Test CA'
    $otherCa = New-Ca 'other-ca' 'Pixelcut Untrusted Test CA'
    $rightNames = 'IP:127.0.0.1, DNS:localhost'
    [pscustomobject]@{
        TrustBundle = $ca.Certificate
        Ca          = $ca
        Good        = New-ServerCertificate 'good' $ca $rightNames
        WrongName   = New-ServerCertificate 'wrong-name' $ca 'DNS:wrong.example'
        Untrusted   = New-ServerCertificate 'untrusted' $otherCa $rightNames
        Expired     = New-ServerCertificate 'expired' $ca $rightNames -Expired
    }
}

function Start-ServerProcess {
    <#
    Starts a server in the foreground with its output in -LogPath, and a guard that stops it (SIGTERM) should this
    process end without stopping it: the guard waits for its standard input, which closes when this process exits.
    #>
    param([Parameter(Mandatory)] [string] $Path, [string[]] $Arguments = @(), [Parameter(Mandatory)] [string] $LogPath)
    $start = [System.Diagnostics.ProcessStartInfo]::new('/bin/sh')
    # exec keeps the process id: the one recorded is the server's own.
    foreach ($argument in @('-c', 'exec >"$0" 2>&1 </dev/null; exec "$@"', $LogPath, $Path) + $Arguments) { $start.ArgumentList.Add($argument) }
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start)
    $guardStart = [System.Diagnostics.ProcessStartInfo]::new('/bin/sh')
    foreach ($argument in '-c', 'while read -r _; do :; done; kill -TERM "$0" 2>/dev/null', [string]$process.Id) { $guardStart.ArgumentList.Add($argument) }
    $guardStart.UseShellExecute = $false
    $guardStart.RedirectStandardInput = $true
    $guard = [System.Diagnostics.Process]::Start($guardStart)
    [pscustomobject]@{ Process = $process; Guard = $guard; LogPath = $LogPath }
}

function Stop-ServerProcess($Server) {
    <# Stops a server by its process id: SIGTERM, and SIGKILL to it and its children if it has not gone within 5 s. #>
    if (-not $Server) { return }
    # The guard goes first, killed outright, so it never signals a process id that may be reused.
    if (-not $Server.Guard.HasExited) { $Server.Guard.Kill() }
    $process = $Server.Process
    if (-not $process.HasExited) {
        & /bin/sh -c 'kill -TERM "$0" 2>/dev/null' ([string]$process.Id)
        if (-not $process.WaitForExit(5000)) { $process.Kill($true) }
    }
    $null = $process.WaitForExit(5000)
}

function Wait-Until([scriptblock] $Condition, $Server, [string] $What, [string[]] $Log = @(), [int] $TimeoutSec = 15) {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (-not (& $Condition)) {
        if ($Server.Process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            $said = foreach ($path in @($Server.LogPath) + $Log) { if (Test-Path -LiteralPath $path) { Get-Content -Raw -LiteralPath $path } }
            Stop-ServerProcess $Server
            throw "$What did not start: $($said -join "`n")"
        }
        Start-Sleep -Milliseconds 50
    }
}

function Start-TestNginx {
    <#
    Starts nginx from -Root with one TLS server block per entry of -Server, each on a free 127.0.0.1 port of its own:
    @{ Name; Certificate (a New-TestPki pair); Upstream ('http://127.0.0.1:PORT'); Directives (more lines for the server
    block); HttpDirectives (lines for the http block) }. Each block forwards the Host the client asked for and
    X-Forwarded-Proto: https, and writes its own access log (one JSON object a request) and error log (info, which
    notes every connection, a request on it or not). Returns the handle: Ports and Logs by name, and the process.
    #>
    param([Parameter(Mandatory)] [string] $Root, [Parameter(Mandatory)] [hashtable[]] $Server)
    $folder = Join-Path $Root 'nginx'
    $null = New-Item -ItemType Directory -Path (Join-Path $folder 'logs'), (Join-Path $folder 'temp') -Force
    $ports = @{}
    $logs = @{}
    $free = @(Get-FreeLoopbackPort -Count $Server.Count)
    $blocks = for ($i = 0; $i -lt $Server.Count; $i++) {
        $entry = $Server[$i]
        $ports[$entry.Name] = $free[$i]
        $logs[$entry.Name] = [pscustomobject]@{
            Access = Join-Path $folder "logs/$($entry.Name).access.log"
            Error  = Join-Path $folder "logs/$($entry.Name).error.log"
        }
        @"
    server {
        listen 127.0.0.1:$($free[$i]) ssl;
        ssl_certificate $($entry.Certificate.Certificate);
        ssl_certificate_key $($entry.Certificate.Key);
        access_log $($logs[$entry.Name].Access) requests;
        error_log $($logs[$entry.Name].Error) info;
$($entry['Directives'])
        location / {
            proxy_pass $($entry.Upstream);
            proxy_set_header Host `$host:`$server_port;
            proxy_set_header X-Forwarded-Proto https;
        }
    }
"@
    }
    $temp = Join-Path $folder 'temp'
    # -e names it too, for what nginx says before it has read the configuration.
    $errorLog = Join-Path $folder 'logs/error.log'
    $config = Join-Path $folder 'nginx.conf'
    Set-Content -LiteralPath $config -Value @"
worker_processes 1;
pid $(Join-Path $folder 'nginx.pid');
error_log $errorLog info;
events { worker_connections 256; }
http {
    client_body_temp_path $temp/body;
    proxy_temp_path $temp/proxy;
    fastcgi_temp_path $temp/fastcgi;
    uwsgi_temp_path $temp/uwsgi;
    scgi_temp_path $temp/scgi;
    log_format requests escape=json '{"connection":`$connection,"connectionRequests":`$connection_requests,"method":"`$request_method","uri":"`$request_uri","status":`$status,"upstreamStatus":"`$upstream_status"}';
$(($Server | ForEach-Object { $_['HttpDirectives'] }) -join "`n")
$($blocks -join "`n")
}
"@
    $pidFile = Join-Path $folder 'nginx.pid'
    $process = Start-ServerProcess -Path (Find-RealServerTool nginx) -LogPath (Join-Path $folder 'nginx.out') `
        -Arguments '-p', "$folder/", '-c', $config, '-e', $errorLog, '-g', 'daemon off;'
    # nginx writes its pid file once every listening socket is bound, so waiting for it opens no connection to count.
    Wait-Until { Test-Path -LiteralPath $pidFile } $process 'nginx' -Log $errorLog
    [pscustomobject]@{ PSTypeName = 'Pixelcut.TestNginx'; Server = $process; Ports = $ports; Logs = $logs; Config = $config }
}

function Get-NginxRequest {
    <# The requests a server block of the nginx handle logged: connection, connectionRequests, method, uri, status, upstreamStatus. #>
    param([Parameter(Mandatory)] $Nginx, [Parameter(Mandatory)] [string] $Name)
    $path = $Nginx.Logs[$Name].Access
    if (Test-Path -LiteralPath $path) { Get-Content -LiteralPath $path | Where-Object { $_ } | ForEach-Object { $_ | ConvertFrom-Json } }
}

function Get-NginxConnectionCount {
    <#
    How many connections a server block accepted so far: the distinct connection numbers (*N) in its info error log.
    nginx notes every connection there, one that ends in the TLS handshake included (the client closing it "while SSL
    handshaking" or, under TLS 1.3, where the server's part of the handshake is done first, "while waiting for request").
    #>
    param([Parameter(Mandatory)] $Nginx, [Parameter(Mandatory)] [string] $Name)
    $path = $Nginx.Logs[$Name].Error
    if (-not (Test-Path -LiteralPath $path)) { return 0 }
    @(Get-Content -LiteralPath $path | ForEach-Object { if ($_ -match '\] \d+#\d+: \*(\d+) ') { $Matches[1] } } | Sort-Object -Unique).Count
}

function Stop-TestNginx($Nginx) { if ($Nginx) { Stop-ServerProcess $Nginx.Server } }

function Start-TestSquid {
    <#
    Starts squid from -Root, caching nothing, wanting Basic credentials -UserName/-Password from every client, and
    tunnelling (CONNECT) only to -TunnelPort. It listens on a free 127.0.0.1 port for plain http ('plain'), and on one
    https port for each -TlsPort entry @{ Name; Certificate (a New-TestPki pair) }. Returns the handle: Ports by name,
    the access log and the process.
    #>
    param(
        [Parameter(Mandatory)] [string] $Root,
        [Parameter(Mandatory)] [string] $UserName,
        [Parameter(Mandatory)] [string] $Password,
        [Parameter(Mandatory)] [int[]] $TunnelPort,
        [hashtable[]] $TlsPort = @()
    )
    $folder = Join-Path $Root 'squid'
    $null = New-Item -ItemType Directory -Path $folder -Force
    $passwords = Join-Path $folder 'htpasswd'
    # The password goes in on standard input, so no command line and no failure message shows it.
    $printed = $Password | & (Find-RealServerTool htpasswd) -i -c $passwords $UserName 2>&1 | Out-String
    if ($LASTEXITCODE -ne 0) { throw "htpasswd could not write $passwords (exit code $LASTEXITCODE): $printed" }
    $names = @('plain') + @($TlsPort | ForEach-Object { $_.Name })
    $free = @(Get-FreeLoopbackPort -Count $names.Count)
    $ports = @{}
    for ($i = 0; $i -lt $names.Count; $i++) { $ports[$names[$i]] = $free[$i] }
    $listen = @("http_port 127.0.0.1:$($ports.plain) name=plain")
    foreach ($entry in $TlsPort) {
        # Copied in, so squid's unprivileged user can read the key.
        $certificate = Join-Path $folder "$($entry.Name).crt"
        $key = Join-Path $folder "$($entry.Name).key"
        Copy-Item -LiteralPath $entry.Certificate.Certificate -Destination $certificate
        Copy-Item -LiteralPath $entry.Certificate.Key -Destination $key
        $listen += "https_port 127.0.0.1:$($ports[$entry.Name]) name=$($entry.Name) tls-cert=$certificate tls-key=$key"
    }
    # One log for every port, each line ending with the port the client came to: a transaction that ended before any
    # request, as a refused TLS handshake does, matches no port ACL, so a log per port would leave it out.
    $accessLog = Join-Path $folder 'access.log'
    $accessLogs = "logformat with_port %ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt %>lp`naccess_log stdio:$accessLog logformat=with_port"
    $ncsa = $script:NcsaAuthPaths | Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1
    # Squid will not run as root; started by root it takes on this user, who must be able to write its folder.
    $user = if (Test-IsRoot) { 'cache_effective_user nobody' } else { '' }
    $config = Join-Path $folder 'squid.conf'
    Set-Content -LiteralPath $config -Value @"
$($listen -join "`n")
visible_hostname pixelcut-test-proxy
$user
pid_filename $(Join-Path $folder 'squid.pid')
cache_log $(Join-Path $folder 'cache.log')
$($accessLogs -join "`n")
cache_store_log none
logfile_rotate 0
netdb_filename none
coredump_dir $folder
cache deny all
cache_mem 0 MB
pinger_enable off
icp_port 0
htcp_port 0
udp_incoming_address 127.0.0.1
udp_outgoing_address 127.0.0.1
dns_nameservers 127.0.0.1
shutdown_lifetime 1 seconds
auth_param basic program $ncsa $passwords
auth_param basic children 2
auth_param basic realm pixelcut-test-proxy
acl authenticated proxy_auth REQUIRED
acl tunnel_ports port $($TunnelPort -join ' ')
acl CONNECT method CONNECT
http_access deny !CONNECT
http_access deny CONNECT !tunnel_ports
http_access allow authenticated
http_access deny all
"@
    if (Test-IsRoot) { Invoke-Tool chown @('-R', 'nobody', $folder) }
    # A service name of its own keeps its shared memory apart from any other squid on the machine, the system's included.
    $service = "pixelcut$PID$(Get-Random -Maximum 100000)"
    $process = Start-ServerProcess -Path (Find-RealServerTool squid) -LogPath (Join-Path $folder 'squid.out') `
        -Arguments '-N', '-n', $service, '-f', $config
    $cacheLog = Join-Path $folder 'cache.log'
    # Squid names every port it accepts connections on in its cache log; waiting for that opens no connection to count.
    Wait-Until {
        $text = if (Test-Path -LiteralPath $cacheLog) { Get-Content -Raw -LiteralPath $cacheLog } else { '' }
        -not ($free | Where-Object { $text -notmatch "Accepting \S+ Socket connections at \S+ local=127\.0\.0\.1:$_ " })
    } $process 'squid' -Log $cacheLog
    [pscustomobject]@{ PSTypeName = 'Pixelcut.TestSquid'; Server = $process; Ports = $ports; AccessLog = $accessLog; Service = $service; Config = $config }
}

function Get-SquidRequest {
    <#
    What a port of the squid handle logged, one entry a transaction: result (such as TCP_TUNNEL, TCP_DENIED, NONE_NONE),
    status (200, 407, 0 for none), method, url, user ('-' for none). A TLS connection that ended before any request is
    logged too, with status 0.
    #>
    param([Parameter(Mandatory)] $Squid, [Parameter(Mandatory)] [string] $Name)
    if (-not (Test-Path -LiteralPath $Squid.AccessLog)) { return }
    $port = [string]$Squid.Ports[$Name]
    foreach ($line in Get-Content -LiteralPath $Squid.AccessLog) {
        $fields = @($line.Trim() -split '\s+')
        if ($fields.Count -lt 11 -or $fields[10] -ne $port) { continue }
        $result, $status = $fields[3] -split '/'
        [pscustomobject]@{ result = $result; status = [int]$status; method = $fields[5]; url = $fields[6]; user = $fields[7] }
    }
}

function Stop-TestSquid($Squid) {
    if (-not $Squid) { return }
    Stop-ServerProcess $Squid.Server
    # Squid removes its shared memory segments when it stops; a kill leaves them behind.
    Get-ChildItem -Path '/dev/shm' -Filter "$($Squid.Service)-*" -ErrorAction Ignore | Remove-Item -Force -ErrorAction Ignore
}

Export-ModuleMember -Function Find-RealServerTool, Get-MissingRealServerTool, New-RealServerRoot, Remove-RealServerRoot, Get-FreeLoopbackPort,
    New-TestPki, Start-TestNginx, Get-NginxRequest, Get-NginxConnectionCount, Stop-TestNginx, Start-TestSquid, Get-SquidRequest, Stop-TestSquid
